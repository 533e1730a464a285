export async function sync(api: any, logger: any) {
  // expect: unstructured_logging
  console.log("syncing");
  // expect: poor_error_handling
  try {
    await api.push();
  } catch (e) {}
  // expect: poor_error_handling
  api.pull().catch(() => {});
  // ok: unstructured_logging
  logger.info({ step: "sync" }, "synced");
  // ok: unstructured_logging
  console.error("fatal");
}
