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
    # ok: python-unescaped-html
    d = Markup("<hr/>")
    # ok: python-unescaped-html
    e = render_template_string("<p>{{ t }}</p>", t=request.args["t"])
    return a, b, c, d, e


from django.http import HttpResponse
from django.utils.html import escape, format_html
from fastapi.responses import HTMLResponse
from flask import Flask, jsonify

app = Flask(__name__)
BANNER = "<b>Maintenance tonight</b>"


@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: python-unescaped-html
    return f"<h1>Hello {name}</h1>"


@app.get("/echo")
def echo():
    # ruleid: python-unescaped-html
    return request.args["q"]


@app.get("/safe")
def safe_hello():
    name = escape(request.args.get("name", ""))
    # ok: python-unescaped-html
    return f"<h1>Hello {name}</h1>"


@app.get("/json")
def as_json():
    # ok: python-unescaped-html
    return jsonify(q=request.args["q"])


@app.get("/banner")
def banner():
    # ok: python-unescaped-html
    return Markup(BANNER)


def django_view(request):
    q = request.GET.get("q", "")
    # ruleid: python-unescaped-html
    return HttpResponse("<p>Results for " + q + "</p>")


def django_ok(request):
    # ok: python-unescaped-html
    return HttpResponse(format_html("<p>Results for {}</p>", request.GET.get("q", "")))


def django_plain(request, report):
    # ok: python-unescaped-html
    return HttpResponse(report.to_csv(), content_type="text/csv")


async def fastapi_view(name: str):
    # ruleid: python-unescaped-html
    return HTMLResponse(f"<p>{name}</p>")


def badge(label):
    # ok: python-unescaped-html
    return Markup("<span>{}</span>").format(label)


def badge_bad(label):
    # ruleid: python-unescaped-html
    return Markup("<span>%s</span>" % label)


def concat_view(name):
    body = "<p>" + name + "</p>"
    # ruleid: python-unescaped-html
    return HTMLResponse(body)


def plain_text(request):
    # ok: python-unescaped-html
    return HttpResponse("pong")


@app.get("/tmpl")
def tmpl():
    # ok: python-unescaped-html
    return render_template_string("<h1>{{ title }}</h1>", title=request.args["title"])


@app.get("/page")
def page():
    # ok: python-unescaped-html
    return render_template("page.html", q=request.args.get("q"))


def icon(svg_markup):
    # ok: python-unescaped-html
    return Markup(svg_markup)


@app.route("/users")
def users_sorted():
    sort = request.args.get("sort", "name")
    # ok: python-unescaped-html
    return db.session.execute(text(f"SELECT * FROM users ORDER BY {sort}")).all()


@app.route("/echo")
def echo_sorted():
    sort = request.args.get("sort", "name")
    # ruleid: python-unescaped-html
    return f"<p>Sorted by {sort}</p>"


@bp.route("/translate", methods=["POST"])
def translate_text():
    data = request.get_json()
    # ok: python-unescaped-html
    return {"text": translate(data["text"], data["source"], data["dest"])}


@bp.route("/users", methods=["GET"])
def list_users():
    page = request.args.get("page", 1, type=int)
    # ok: python-unescaped-html
    return User.to_collection_dict(select(User), page, "api.get_users")


@bp.route("/search")
def search_page():
    term = request.args.get("q", "")
    # ruleid: python-unescaped-html
    return "<h2>Results for " + term + "</h2>", 200



def drf_view(request):
    from rest_framework.response import Response as DrfResponse
    # ok: python-unescaped-html
    return DrfResponse(request.data)


def flask_json_response():
    # ok: python-unescaped-html
    return make_response({"echo": request.args["q"]}, 200)


def flask_html_response():
    # ruleid: python-unescaped-html
    return make_response("<p>" + request.args["q"] + "</p>", 200)



def django_hello(request):
    # ok: python-unescaped-html
    return HttpResponse(render_to_string("hello.html", {"name": request.POST["name"]}))
