// ok: hardcoded_tenant_id
const DEMO_TENANT_ID = "3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b";
// ok: hardcoded_date
const launchDate = new Date(2024, 0, 1);
export { DEMO_TENANT_ID, launchDate };
