from flask import render_template_string, request
from jinja2 import Environment
from markupsafe import Markup


def views(mark_safe, user):
    # ruleid: python-unescaped-html
    a = Markup("<h1>" + request.args["name"] + "</h1>")
    # ruleid: python-unescaped-html
    b = mark_safe(f"<b>{user.name}</b>")
    # ruleid: python-unescaped-html
    c = render_template_string("<p>" + request.args["t"] + "</p>")
    # ruleid: python-unescaped-html
    env = Environment(autoescape=False)
    # ok: python-unescaped-html
    d = Markup("<hr/>")
    # ok: python-unescaped-html
    e = render_template_string("<p>{{ t }}</p>", t=request.args["t"])
    # ok: python-unescaped-html
    safe_env = Environment(autoescape=True)
    return a, b, c, d, e, env, safe_env
