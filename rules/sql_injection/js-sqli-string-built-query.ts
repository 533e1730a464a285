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
