import requests
from django.db.models.expressions import RawSQL
from psycopg import sql

TABLE = "orders"
COLUMNS = "id, total"


def http_not_sql(api_base, order_id, cache):
    # ok: sql_injection
    requests.get(f"{api_base}/orders/{order_id}")
    # ok: sql_injection
    return cache.get(f"order:{order_id}")


def constants_only(cur, order_id):
    # ok: sql_injection
    cur.execute(f"SELECT {COLUMNS} FROM {TABLE} WHERE id = %s", (order_id,))


def integer_cast(cur, limit):
    # ok: sql_injection
    cur.execute(f"SELECT * FROM orders ORDER BY id LIMIT {int(limit)}")


def integer_cast_variable(cur, page):
    offset = int(page) * 50
    # ok: sql_injection
    cur.execute(f"SELECT * FROM orders LIMIT 50 OFFSET {offset}")


def placeholder_list(cur, ids):
    marks = ", ".join(["%s"] * len(ids))
    # ok: sql_injection
    cur.execute(f"SELECT * FROM orders WHERE id IN ({marks})", ids)


def composed_identifier(cur, column):
    query = sql.SQL("SELECT {} FROM orders").format(sql.Identifier(column))
    # ok: sql_injection
    cur.execute(query)


def conditional_constant(cur, only_open):
    where = " WHERE status = 'open'" if only_open else ""
    # ok: sql_injection
    cur.execute("SELECT * FROM orders" + where)


def request_value(cursor, request):
    # expect: sql_injection
    cursor.execute(f"SELECT * FROM orders WHERE customer = '{request.args['customer']}'")


def raw_expression(queryset, field):
    # expect: sql_injection
    return queryset.annotate(v=RawSQL(f"SELECT {field} FROM stats", ()))


def extra_where(queryset, term):
    # expect: sql_injection
    return queryset.extra(where=[f"title LIKE '%{term}%'"])


def built_in_steps(conn, status):
    base = "SELECT * FROM orders"
    query = base + " WHERE status = '" + status + "'"
    # expect: sql_injection
    return conn.execute(query)
