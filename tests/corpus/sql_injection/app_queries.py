import sqlite3

from sqlalchemy import text


def by_id(cur, user_id):
    # expect: sql_injection
    cur.execute(f"SELECT * FROM users WHERE id = {user_id}")


def by_name(cursor, name):
    # expect: sql_injection
    cursor.execute("SELECT * FROM users WHERE name = '%s'" % name)


def by_email(conn, email):
    # expect: sql_injection
    conn.execute("SELECT * FROM users WHERE email = '{}'".format(email))


def by_city(db, city):
    # expect: sql_injection
    db.execute("SELECT * FROM users WHERE city = '" + city + "'")


def delete_user(self, user_id):
    # expect: sql_injection
    self.cursor.execute(f"DELETE FROM users WHERE id = {user_id}")


def update_name(cur, uid, name):
    query = f"UPDATE users SET name = '{name}' WHERE id = {uid}"
    # expect: sql_injection
    cur.execute(query)


def search(cur, term):
    sql = "SELECT * FROM items WHERE title LIKE '%" + term + "%'"
    # expect: sql_injection
    cur.execute(sql)


def sort_by(cur, column):
    statement = "SELECT * FROM items ORDER BY {}".format(column)
    # expect: sql_injection
    cur.execute(statement)


def many(cur, table, rows):
    # expect: sql_injection
    cur.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)


def raw_orm(User, name):
    # expect: sql_injection
    return User.objects.raw("SELECT * FROM app_user WHERE name = '%s'" % name)


def sa_text(session, uid):
    # expect: sql_injection
    return session.execute(text(f"SELECT * FROM accounts WHERE id = {uid}"))


async def pg_fetch(conn, org):
    # expect: sql_injection
    return await conn.fetch(f"SELECT * FROM projects WHERE org = '{org}'")


async def pg_fetchrow(conn, slug):
    # expect: sql_injection
    return await conn.fetchrow("SELECT * FROM pages WHERE slug = '" + slug + "'")


def script(con: sqlite3.Connection, name):
    # expect: sql_injection
    con.executescript(f"DROP TABLE {name};")


def driver_sql(connection, tenant):
    # expect: sql_injection
    connection.exec_driver_sql(f"SET search_path TO {tenant}")


def percent_dict(cur, params):
    # expect: sql_injection
    cur.execute("SELECT * FROM t WHERE a = '%(a)s'" % params)


def safe_param(cur, user_id):
    # ok: sql_injection
    cur.execute("SELECT * FROM users WHERE id = %s", (user_id,))


def safe_named(cur, name):
    # ok: sql_injection
    cur.execute("SELECT * FROM users WHERE name = %(name)s", {"name": name})


def safe_constant(cur):
    # ok: sql_injection
    cur.execute("SELECT count(*) FROM users")


def safe_qmark(con, uid):
    # ok: sql_injection
    con.execute("SELECT * FROM users WHERE id = ?", (uid,))


def safe_text(session, uid):
    # ok: sql_injection
    return session.execute(text("SELECT * FROM accounts WHERE id = :id"), {"id": uid})


def logging_not_sql(log, uid):
    # ok: sql_injection
    log.info(f"fetching user {uid}")


def regex_not_sql(re, word):
    # ok: sql_injection
    return re.compile(f"^{word}$")


async def safe_asyncpg(conn, org):
    # ok: sql_injection
    return await conn.fetch("SELECT * FROM projects WHERE org = $1", org)
