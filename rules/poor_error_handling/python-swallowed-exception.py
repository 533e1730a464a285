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


def optional_dependency():
    # ok: python-swallowed-exception
    try:
        import ujson as json
    except ImportError:
        pass


def remove(path, os):
    # ok: python-swallowed-exception
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

