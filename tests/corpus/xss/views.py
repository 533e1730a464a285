from flask import Flask, render_template_string, request
from jinja2 import Environment
from markupsafe import Markup

app = Flask(__name__)


@app.get("/hello")
def hello():
    name = request.args.get("name", "")
    # expect: xss_vulnerability
    return Markup("<h1>Hello " + name + "</h1>")


@app.get("/bio")
def bio():
    # expect: xss_vulnerability
    return Markup(f"<p>{request.args['bio']}</p>")


@app.get("/page")
def page():
    # expect: xss_vulnerability
    return render_template_string("<h1>" + request.args["title"] + "</h1>")


def make_env():
    # expect: xss_vulnerability
    return Environment(autoescape=False)


def django_safe(mark_safe, user):
    # expect: xss_vulnerability
    return mark_safe(f"<b>{user.name}</b>")


@app.get("/ok")
def ok():
    # ok: xss_vulnerability
    return Markup("<hr/>")


def safe_env():
    # ok: xss_vulnerability
    return Environment(autoescape=True)


@app.get("/tmpl")
def tmpl():
    # ok: xss_vulnerability
    return render_template_string("<h1>{{ title }}</h1>", title=request.args["title"])
