import escapeHtml from "escape-html";

export function routes(app: any) {
  app.get("/hello", (req: any, res: any) => {
    // expect: xss_vulnerability
    res.send(`<h1>Hello ${req.query.name}</h1>`);
  });
  app.get("/hello-safe", (req: any, res: any) => {
    // ok: xss_vulnerability
    res.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);
  });
  app.get("/data", (req: any, res: any) => {
    // ok: xss_vulnerability
    res.json({ name: req.query.name });
  });
}
