export async function sync(api: any, logger: any) {
  // ruleid: js-swallowed-error
  try {
    await api.push();
  } catch (e) {}
  // ruleid: js-swallowed-error
  api.pull().catch(() => {});
  // ok: js-swallowed-error
  api.pull().catch((err: Error) => logger.error({ err }, "pull failed"));
  // ok: js-swallowed-error
  try {
    await api.push();
  } catch (e) {
    logger.error({ e }, "push failed");
    throw e;
  }
  // ok: js-swallowed-error
  try {
    localStorage.setItem("seen", "1");
  } catch {
    // private mode: storage is optional here
  }
}
