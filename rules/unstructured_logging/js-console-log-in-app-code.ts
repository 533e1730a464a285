export function charge(order: { id: string }, logger: any) {
  // ruleid: js-console-log-in-app-code
  console.log("charging", order.id);
  // ok: js-console-log-in-app-code
  logger.info({ orderId: order.id }, "charging");
  // ok: js-console-log-in-app-code
  console.error("fatal: cannot charge");
  return order;
}

export function structured(event: object) {
  // ok: js-console-log-in-app-code
  console.log(JSON.stringify({ level: "info", msg: "order charged", ...event }));
}
