def find_user(cur, user_id, name):
    # ruleid: python-sqli-string-built-query
    cur.execute(f"SELECT * FROM users WHERE id = {user_id}")
    # ruleid: python-sqli-string-built-query
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ruleid: python-sqli-string-built-query
    cur.execute("SELECT * FROM users WHERE name = '{}'".format(name))
    # ruleid: python-sqli-string-built-query
    cur.execute("SELECT * FROM users WHERE name = '" + name + "'")
    query = f"DELETE FROM users WHERE id = {user_id}"
    # ruleid: python-sqli-string-built-query
    cur.execute(query)
    # ruleid: python-sqli-string-built-query
    User.objects.raw("SELECT * FROM app_user WHERE name = '%s'" % name)
    # ok: python-sqli-string-built-query
    cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))
    # ok: python-sqli-string-built-query
    cur.execute("SELECT * FROM users WHERE name = %(name)s", {"name": name})
    # ok: python-sqli-string-built-query
    cur.execute("SELECT 1")


def more(session, cur, term, uid):
    sql = "SELECT * FROM items WHERE title LIKE '%" + term + "%'"
    # ruleid: python-sqli-string-built-query
    cur.execute(sql)
    # ruleid: python-sqli-string-built-query
    session.execute(text(f"SELECT * FROM accounts WHERE id = {uid}"))
    # ok: python-sqli-string-built-query
    session.execute(text("SELECT * FROM accounts WHERE id = :id"), {"id": uid})


TABLE = "users"


def constants_and_casts(cur, uid, limit, ids, request, requests, cache):
    # ok: python-sqli-string-built-query
    cur.execute(f"SELECT * FROM {TABLE} WHERE id = %s", (uid,))
    col = "name"
    # ok: python-sqli-string-built-query
    cur.execute(f"SELECT {col} FROM users")
    # ok: python-sqli-string-built-query
    cur.execute(f"SELECT * FROM users LIMIT {int(limit)}")
    lim = int(limit)
    # ok: python-sqli-string-built-query
    cur.execute(f"SELECT * FROM users LIMIT {lim}")
    # ok: python-sqli-string-built-query
    cur.execute("SELECT * FROM t WHERE a = %s" % 10)
    placeholders = ", ".join(["%s"] * len(ids))
    # ok: python-sqli-string-built-query
    cur.execute(f"SELECT * FROM t WHERE id IN ({placeholders})", ids)
    base = "SELECT * FROM t"
    where = " WHERE a = 1" if limit else ""
    # ok: python-sqli-string-built-query
    cur.execute(base + where)
    # ok: python-sqli-string-built-query
    requests.get(f"https://api.example.com/users/{uid}")
    # ok: python-sqli-string-built-query
    cache.get(f"user:{uid}")
    # ok: python-sqli-string-built-query
    request.query(f"name={uid}")
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    cur.execute(f"SELECT * FROM users WHERE name = '{request.args['name']}'")
    # ruleid: python-sqli-string-built-query
    cur.execute("SELECT * FROM t WHERE a = '%s' AND b = %s" % (uid, 1))


def django_raw(Model, RawSQL, qs, term):
    # ruleid: python-sqli-string-built-query
    qs.annotate(x=RawSQL(f"SELECT 1 WHERE name = '{term}'", ()))
    # ruleid: python-sqli-string-built-query
    qs.extra(where=[f"name = '{term}'"])
    # ok: python-sqli-string-built-query
    qs.extra(where=["name = %s"], params=[term])
    # ruleid: python-sqli-string-built-query
    Model.objects.filter(a=1).raw("SELECT * FROM t WHERE x = '" + term + "'")


def paging(cur, page):
    offset = int(page) * 50
    # ok: python-sqli-string-built-query
    cur.execute(f"SELECT * FROM orders LIMIT 50 OFFSET {offset}")


# Request data: the critical tier.
@app.route("/users/<name>")
def flask_view(name):
    term = request.args.get("q", "")
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    db.session.execute(text(f"SELECT * FROM users WHERE bio LIKE '%{term}%'"))
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)
    # ok: python-sqli-request-data, python-sqli-string-built-query
    cursor.execute("SELECT * FROM users WHERE name = %s", (name,))
    # ok: python-sqli-request-data, python-sqli-string-built-query
    cursor.execute(f"SELECT * FROM users LIMIT {int(request.args['limit'])}")


def django_view(request):
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    return Model.objects.raw("SELECT * FROM t WHERE slug = '" + request.GET["slug"] + "'")


@router.get("/items/{item_id}")
async def fastapi_view(item_id: str, limit: int, session=Depends(get_session)):
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    await session.execute(text(f"SELECT * FROM items WHERE id = '{item_id}'"))
    # ok: python-sqli-request-data, python-sqli-string-built-query
    await session.execute(text(f"SELECT * FROM items LIMIT {limit}"))


@router.get("/items")
async def typed_then_reassigned(limit: int, request: Request):
    limit = request.query_params["limit"]
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    await database.fetch_all(f"SELECT * FROM items LIMIT {limit}")


@router.post("/search")
async def fastapi_body(request: Request, user: User = Depends(current_user)):
    payload = await request.json()
    # ruleid: python-sqli-request-data, python-sqli-string-built-query
    await database.fetch_all(f"SELECT * FROM docs WHERE owner = '{payload['owner']}'")
    # ruleid: python-sqli-string-built-query
    await database.fetch_all(f"SELECT * FROM docs WHERE owner = '{user.name}'")


# A parameter of a plain function: the high tier only, never a block.
def repository_query(session, brain_id):
    query = "SELECT * FROM brains WHERE id = '{brain_id}'"
    # ruleid: python-sqli-string-built-query
    return session.execute(text(query.format(brain_id=brain_id)))


class KnowledgeRepository:
    async def by_sync_id(self, sync_id: int) -> "KnowledgeDB":
        # ok: python-sqli-request-data, python-sqli-string-built-query
        query = select(KnowledgeDB).where(text(f"metadata->>'sync_file_id' = '{str(sync_id)}'"))
        return await self.session.exec(query)

    async def by_name(self, name: str):
        # ruleid: python-sqli-string-built-query
        return await self.session.exec(text(f"SELECT * FROM k WHERE name = '{str(name)}'"))



# Request data bound by a query builder: not SQL text.
@app.route("/topics/<int:forum_id>")
def topics(forum_id):
    ids = request.form.getlist("rowid")
    # ok: python-sqli-request-data, python-sqli-string-built-query
    db.session.execute(db.select(Topic).where(Topic.id.in_(ids)))
    # ok: python-sqli-request-data, python-sqli-string-built-query
    db.session.execute(select(Forum).filter_by(id=request.view_args["forum_id"]))
    # ruleid: python-sqli-request-data
    cursor.execute(request.form["sql"])
