async function findUser(db: any, knex: any, prisma: any, id: string, name: string) {
  // ruleid: js-sqli-string-built-query
  await db.query(`SELECT * FROM users WHERE id = ${id}`);
  // ruleid: js-sqli-string-built-query
  await db.query("SELECT * FROM users WHERE name = '" + name + "'");
  // ruleid: js-sqli-string-built-query
  await knex.raw(`DELETE FROM users WHERE id = ${id}`);
  // ruleid: js-sqli-string-built-query
  await prisma.$queryRawUnsafe(`SELECT * FROM users WHERE name = '${name}'`);
  const sql = `UPDATE users SET name = '${name}'`;
  // ruleid: js-sqli-string-built-query
  await db.query(sql);
  // ok: js-sqli-string-built-query
  await db.query("SELECT * FROM users WHERE id = $1", [id]);
  // ok: js-sqli-string-built-query
  await prisma.$queryRaw`SELECT * FROM users WHERE id = ${id}`;
  // ok: js-sqli-string-built-query
  await db.query(`SELECT * FROM users`);
}

export async function likeSearch(db: any, term: string) {
  const sql = "SELECT * FROM docs WHERE body LIKE '%" + term + "%'";
  // ruleid: js-sqli-string-built-query
  return db.query(sql);
}

const TABLE = "users";

export async function notSql(http: any, cache: Map<string, string>, params: URLSearchParams,
                             queryClient: any, db: any, sequelize: any, id: string, ids: string[],
                             limit: string, util: any, sql: any, req: any) {
  // ok: js-sqli-string-built-query
  await http.get(`/api/users/${id}`);
  // ok: js-sqli-string-built-query
  cache.get(`user:${id}`);
  // ok: js-sqli-string-built-query
  params.get("q" + id);
  // ok: js-sqli-string-built-query
  queryClient.query(`users-${id}`);
  // ok: js-sqli-string-built-query
  await db.query(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  const n = parseInt(limit, 10);
  // ok: js-sqli-string-built-query
  await db.query(`SELECT * FROM users LIMIT ${n}`);
  // ok: js-sqli-string-built-query
  await db.query(`SELECT * FROM users LIMIT ${Number(limit)}`);
  const placeholders = ids.map((_, i) => `$${i + 1}`).join(", ");
  // ok: js-sqli-string-built-query
  await db.query(`SELECT * FROM users WHERE id IN (${placeholders})`, ids);
  // ok: js-sqli-string-built-query
  await sequelize.query("SELECT * FROM users WHERE id = :id", { replacements: { id } });
  // ok: js-sqli-string-built-query
  await db.query(sql`SELECT * FROM users WHERE id = ${id}`);
  // ruleid: js-sqli-request-data, js-sqli-string-built-query
  await db.query({ sql: `SELECT * FROM users WHERE name = '${req.query.name}'`, timeout: 1000 });
  // ruleid: js-sqli-string-built-query
  await db.query({ text: "SELECT * FROM users WHERE name = '" + id + "'" });
  const q = util.format("SELECT * FROM users WHERE name = '%s'", req.body.name);
  // ruleid: js-sqli-request-data, js-sqli-string-built-query
  await db.query(q);
  // ruleid: js-sqli-string-built-query
  await sequelize.query(`SELECT * FROM posts WHERE slug = '${id}'`);
  // ruleid: js-sqli-string-built-query
  await this.repo.query(`SELECT * FROM posts WHERE slug = '${id}'`);
}

export async function httpClients(client: any, api: any, db: any, kv: any, id: string) {
  // ok: js-sqli-string-built-query
  await client.get(`/users/${id}`);
  // ok: js-sqli-string-built-query
  await api.get("/users/" + id);
  // ok: js-sqli-string-built-query
  await kv.get(`session:${id}`);
  // ruleid: js-sqli-string-built-query
  await db.get(`SELECT * FROM users WHERE id = ${id}`);
  // ruleid: js-sqli-string-built-query
  db.run("DELETE FROM sessions WHERE user_id = " + id);
}

// Request data: the critical tier.
export function routes(app: any, pool: any, knex: any) {
  app.get("/users", async (req: any, res: any) => {
    const name = req.query.name;
    // ruleid: js-sqli-request-data, js-sqli-string-built-query
    const rows = await pool.query(`SELECT * FROM users WHERE name = '${name}'`);
    // ruleid: js-sqli-request-data, js-sqli-string-built-query
    await knex.raw("SELECT * FROM t ORDER BY " + req.body.sort);
    // ruleid: js-sqli-request-data
    await pool.query(req.body.sql);
    // ok: js-sqli-request-data, js-sqli-string-built-query
    await pool.query("SELECT * FROM users WHERE name = $1", [req.query.name]);
    // ok: js-sqli-request-data
    await pool.query(`SELECT * FROM users LIMIT ${Number(req.query.limit)}`);
    res.json(rows);
  });
}

export async function koaHandler(ctx: any, db: any) {
  // ruleid: js-sqli-request-data, js-sqli-string-built-query
  await db.query(`DELETE FROM posts WHERE id = '${ctx.params.id}'`);
  // ruleid: js-sqli-request-data, js-sqli-string-built-query
  await db.query(`SELECT * FROM posts WHERE tag = '${ctx.request.query.tag}'`);
}

export async function GET(request: any, sql: any) {
  const term = request.nextUrl.searchParams.get("q");
  // ruleid: js-sqli-request-data, js-sqli-string-built-query
  return sql.unsafe(`SELECT * FROM docs WHERE title LIKE '%${term}%'`);
}

export async function honoHandler(c: any, db: any) {
  const body = await c.req.json();
  // ruleid: js-sqli-request-data, js-sqli-string-built-query
  return db.execute(`UPDATE users SET bio = '${body.bio}'`);
}

// A CLI option of unknown type: the high tier only, never a block; a typed number: clean.
export async function evalScript(pool: any, opts: any, timeout: { ms: number }) {
  // ruleid: js-sqli-string-built-query
  await pool.query(`SET LOCAL statement_timeout = '${opts.statementTimeoutMs}ms'`);
  // ok: js-sqli-request-data, js-sqli-string-built-query
  await pool.query(`SET LOCAL statement_timeout = '${timeout.ms}ms'`);
}

// Request data bound by a query builder or a tagged template: not SQL text.
export async function bound(req: any, db: any, pool: any) {
  // ok: js-sqli-request-data, js-sqli-string-built-query
  await db.execute(sql`SELECT * FROM users WHERE id = ${req.params.id}`);
  // ok: js-sqli-request-data, js-sqli-string-built-query
  await pool.query({ text: "SELECT * FROM users WHERE id = $1", values: [req.params.id] });
  // ok: js-sqli-request-data, js-sqli-string-built-query
  await db.query(buildSelect("users").where("id", req.params.id));
}
