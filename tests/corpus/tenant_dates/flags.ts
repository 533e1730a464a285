// expect: hardcoded_tenant_id
const orgId = "9b2f4c1e-3a4d-4e6f-8b2a-1c3d5e7f9a0b";
// expect: hardcoded_date
const cutoff = new Date("2026-09-01");
// expect: hardcoded_date
const sale = new Date(2026, 10, 27);
// expect: hardcoded_date
export const isLate = (d: string) => d > "2026-04-15";
// ok: hardcoded_date
const started = new Date();
// ok: hardcoded_tenant_id
const traceId = "5f0c3a1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b";
export { orgId, cutoff, sale, started, traceId };
