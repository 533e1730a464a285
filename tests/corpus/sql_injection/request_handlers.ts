// Request data reaching SQL text: the critical tier.
import express from "express";

const app = express();

app.get("/users", async (req, res) => {
  const { sort } = req.query;
  // expect: sql_injection
  const rows = await pool.query(`SELECT * FROM users ORDER BY ${sort}`);
  // ok: sql_injection
  await pool.query("SELECT * FROM users WHERE name = $1", [req.query.name]);
  res.json(rows);
});

app.post("/notes", async (req, res) => {
  // expect: sql_injection
  await knex.raw("INSERT INTO notes (body) VALUES ('" + req.body.text + "')");
  res.sendStatus(201);
});

export async function koaShow(ctx: any) {
  // expect: sql_injection
  ctx.body = await db.query(`SELECT * FROM posts WHERE id = '${ctx.params.id}'`);
}

export async function GET(request: Request) {
  const url = new URL(request.url);
  const q = url.searchParams.get("q");
  // expect: sql_injection
  return sql.unsafe(`SELECT * FROM docs WHERE title ILIKE '%${q}%'`);
}

export async function honoUpdate(c: any) {
  const body = await c.req.json();
  // expect: sql_injection
  await db.execute(`UPDATE users SET bio = '${body.bio}' WHERE id = '${c.req.param("id")}'`);
  // ok: sql_injection
  await db.execute(`UPDATE users SET visits = visits + ${Number(body.visits)}`);
}
