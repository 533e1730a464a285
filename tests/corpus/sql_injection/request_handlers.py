"""Request data reaching SQL text: the critical tier."""
from django.db import connection
from fastapi import APIRouter, Depends, Request
from flask import Flask, request
from sqlalchemy import text

app = Flask(__name__)
router = APIRouter()


@app.route("/users")
def list_users():
    sort = request.args.get("sort", "name")
    with engine.connect() as conn:
        # expect: sql_injection
        return conn.execute(text(f"SELECT * FROM users ORDER BY {sort}")).all()


@app.post("/notes")
def add_note():
    body = request.get_json()
    cur = db.cursor()
    # expect: sql_injection
    cur.execute("INSERT INTO notes (body) VALUES ('%s')" % body["text"])
    # ok: sql_injection
    cur.execute("INSERT INTO notes (body) VALUES (%s)", (body["text"],))


@app.route("/items/<slug>")
def item(slug):
    cur = db.cursor()
    # expect: sql_injection
    cur.execute("SELECT * FROM items WHERE slug = '" + slug + "'")


def django_search(request):
    term = request.GET.get("q", "")
    with connection.cursor() as cursor:
        # expect: sql_injection
        cursor.execute(f"SELECT id FROM docs WHERE title LIKE '%{term}%'")
        # ok: sql_injection
        cursor.execute("SELECT id FROM docs WHERE title LIKE %s", [f"%{term}%"])


def django_raw(request):
    # expect: sql_injection
    return Doc.objects.raw("SELECT * FROM docs WHERE owner = '%s'" % request.POST["owner"])


@router.get("/orders/{order_id}")
async def order(order_id: str, limit: int = 10, session=Depends(get_session)):
    # expect: sql_injection
    await session.execute(text(f"SELECT * FROM orders WHERE id = '{order_id}'"))
    # ok: sql_injection
    await session.execute(text(f"SELECT * FROM orders LIMIT {limit}"))


@router.post("/reports")
async def report(request: Request):
    payload = await request.json()
    # expect: sql_injection
    return await database.fetch_all(f"SELECT * FROM reports WHERE team = '{payload['team']}'")
