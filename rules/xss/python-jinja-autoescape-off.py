import jinja2
from jinja2 import Environment, select_autoescape


def envs(loader):
    # ruleid: python-jinja-autoescape-off
    raw = Environment(loader=loader, autoescape=False)
    # ruleid: python-jinja-autoescape-off
    raw2 = jinja2.Environment(autoescape=False)
    # ok: python-jinja-autoescape-off
    safe = Environment(autoescape=True)
    # ok: python-jinja-autoescape-off
    chosen = Environment(loader=loader, autoescape=select_autoescape())
    return raw, raw2, safe, chosen
