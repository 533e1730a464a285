import { Pool } from "pg";

export async function byId(pool: Pool, id: string) {
  // expect: sql_injection
  return pool.query(`SELECT * FROM users WHERE id = ${id}`);
}

export async function byName(client: any, name: string) {
  // expect: sql_injection
  return client.query("SELECT * FROM users WHERE name = '" + name + "'");
}

export async function knexRaw(knex: any, id: string) {
  // expect: sql_injection
  return knex.raw(`DELETE FROM sessions WHERE user_id = ${id}`);
}

export async function whereRaw(knex: any, email: string) {
  // expect: sql_injection
  return knex("users").whereRaw(`email = '${email}'`);
}

export async function orderByRaw(knex: any, column: string) {
  // expect: sql_injection
  return knex("users").orderByRaw("lower(" + column + ")");
}

export async function prismaUnsafe(prisma: any, name: string) {
  // expect: sql_injection
  return prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE name = '${name}'`);
}

export async function prismaExecUnsafe(prisma: any, id: string) {
  // expect: sql_injection
  return prisma.$executeRawUnsafe("DELETE FROM \"User\" WHERE id = " + id);
}

export async function sequelizeQuery(sequelize: any, slug: string) {
  // expect: sql_injection
  return sequelize.query(`SELECT * FROM posts WHERE slug = '${slug}'`);
}

export async function viaVariable(db: any, team: string) {
  const sql = `SELECT * FROM members WHERE team = '${team}'`;
  // expect: sql_injection
  return db.query(sql);
}

export async function concatVariable(db: any, term: string) {
  const sql = "SELECT * FROM docs WHERE body LIKE '%" + term + "%'";
  // expect: sql_injection
  return db.query(sql);
}

export function sqliteAll(db: any, owner: string, cb: any) {
  // expect: sql_injection
  db.all(`SELECT * FROM files WHERE owner = '${owner}'`, cb);
}

export function sqliteRun(db: any, id: string) {
  // expect: sql_injection
  db.run("UPDATE files SET seen = 1 WHERE id = " + id);
}

export async function mysqlExecute(conn: any, city: string) {
  // expect: sql_injection
  return conn.execute(`SELECT * FROM shops WHERE city = '${city}'`);
}

export async function postgresUnsafe(sql: any, table: string) {
  // expect: sql_injection
  return sql.unsafe(`SELECT * FROM ${table}`);
}

export async function safeParams(pool: Pool, id: string) {
  // ok: sql_injection
  return pool.query("SELECT * FROM users WHERE id = $1", [id]);
}

export async function safeTagged(prisma: any, id: string) {
  // ok: sql_injection
  return prisma.$queryRaw`SELECT * FROM "User" WHERE id = ${id}`;
}

export async function safeConstantTemplate(pool: Pool) {
  // ok: sql_injection
  return pool.query(`SELECT count(*) FROM users`);
}

export async function safeKnexBindings(knex: any, email: string) {
  // ok: sql_injection
  return knex("users").whereRaw("email = ?", [email]);
}

export function notSql(logger: any, id: string) {
  // ok: sql_injection
  logger.info(`loading user ${id}`);
}

export function safeSqliteParams(db: any, owner: string, cb: any) {
  // ok: sql_injection
  db.all("SELECT * FROM files WHERE owner = ?", [owner], cb);
}
