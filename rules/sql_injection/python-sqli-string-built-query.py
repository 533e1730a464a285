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
