import logging

log = logging.getLogger(__name__)


def load(path):
    # ruleid: python-swallowed-exception
    try:
        return open(path).read()
    except:
        return None


def parse(text):
    # ruleid: python-swallowed-exception
    try:
        return int(text)
    except ValueError:
        pass


def save(path, data):
    # ok: python-swallowed-exception
    try:
        open(path, "w").write(data)
    except OSError:
        log.exception("save failed", extra={"path": path})
        raise
