import util from "node:util";

const TABLE = "orders";

export async function notSql(http: any, cache: Map<string, string>, params: URLSearchParams,
                             queryClient: any, id: string) {
  // ok: sql_injection
  await http.get(`/api/orders/${id}`);
  // ok: sql_injection
  cache.get(`order:${id}`);
  // ok: sql_injection
  params.get("order" + id);
  // ok: sql_injection
  return queryClient.query(`orders-${id}`);
}

export async function safeForms(db: any, sequelize: any, id: string, limit: string,
                                ids: string[]) {
  // ok: sql_injection
  await db.query(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  // ok: sql_injection
  await sequelize.query("SELECT * FROM orders WHERE id = :id", { replacements: { id } });
  const n = parseInt(limit, 10);
  // ok: sql_injection
  await db.query(`SELECT * FROM orders LIMIT ${n}`);
  const marks = ids.map((_, i) => `$${i + 1}`).join(", ");
  // ok: sql_injection
  return db.query(`SELECT * FROM orders WHERE id IN (${marks})`, ids);
}

export async function unsafeForms(db: any, sequelize: any, req: any) {
  // expect: sql_injection
  await db.query({ sql: `SELECT * FROM orders WHERE customer = '${req.query.c}'` });
  const q = util.format("SELECT * FROM orders WHERE status = '%s'", req.body.status);
  // expect: sql_injection
  await db.query(q);
  // expect: sql_injection
  return sequelize.query(`SELECT * FROM orders WHERE note LIKE '%${req.query.note}%'`);
}
