import escapeHtml from "escape-html";

const HEALTH = "<p>ok</p>";

export function routes(app: any, db: any) {
  app.get("/hello", (req: any, res: any) => {
    // ruleid: express-response-xss
    res.send(`<h1>Hello ${req.query.name}</h1>`);
  });
  app.get("/echo", (req: any, res: any) => {
    // ruleid: express-response-xss
    res.send(req.query.q);
  });
  app.get("/post/:id", async (req: any, res: any) => {
    const post = await db.find(req.params.id);
    const html = "<article>" + post.body + "</article>";
    // ruleid: express-response-xss
    res.status(200).send(html);
  });
  app.get("/safe", (req: any, res: any) => {
    // ok: express-response-xss
    res.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);
  });
  app.get("/json", (req: any, res: any) => {
    // ok: express-response-xss
    res.json({ q: req.query.q });
  });
  app.get("/health", (req: any, res: any) => {
    // ok: express-response-xss
    res.send(HEALTH);
  });
  app.get("/count", async (req: any, res: any) => {
    const name = escapeHtml(req.query.name);
    // ok: express-response-xss
    res.send(`<p>${name}</p>`);
  });
}

app.get("/sorted", async (req: any, res: any) => {
  const rows = await pool.query(`SELECT * FROM users ORDER BY ${req.query.sort}`);
  // ok: express-response-xss
  res.send(rows.rows);
});
