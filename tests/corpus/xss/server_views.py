from django.http import HttpResponse
from django.utils.html import escape, format_html
from fastapi.responses import HTMLResponse
from flask import Flask, jsonify, render_template, request

app = Flask(__name__)


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    # expect: xss_vulnerability
    return f"<h1>Hello {name}</h1>"


@app.route("/greet-safe")
def greet_safe():
    name = escape(request.args.get("name", ""))
    # ok: xss_vulnerability
    return f"<h1>Hello {name}</h1>"


@app.route("/api")
def api():
    # ok: xss_vulnerability
    return jsonify(q=request.args.get("q"))


@app.route("/page")
def page():
    # ok: xss_vulnerability
    return render_template("page.html", q=request.args.get("q"))


def search(request):
    q = request.GET.get("q", "")
    # expect: xss_vulnerability
    return HttpResponse("<p>Results for " + q + "</p>")


def search_safe(request):
    # ok: xss_vulnerability
    return HttpResponse(format_html("<p>Results for {}</p>", request.GET.get("q", "")))


def export_csv(request, report):
    # ok: xss_vulnerability
    return HttpResponse(report.to_csv(), content_type="text/csv")


async def profile(name: str):
    # expect: xss_vulnerability
    return HTMLResponse(f"<h2>{name}</h2>")
