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
}
