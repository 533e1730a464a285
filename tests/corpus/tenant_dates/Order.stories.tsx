export default { title: "Order" };

export const Default = {
  args: {
    // ok: hardcoded_date
    createdAt: new Date("2024-03-01T10:00:00Z"),
    // ok: hardcoded_tenant_id
    orgId: "9b2f4c1e-3a4d-4e6f-8b2a-1c3d5e7f9a0b",
    // ok: hardcoded_date
    expiresAt: new Date("2025-03-01"),
  },
};
