export function toRow(order: { total: number }) {
  return {
    ...order,
    // ok: hardcoded_date
    archivedBefore: null,
    // ok: hardcoded_date
    importedAt: new Date("2024-01-01T00:00:00Z"),
  };
}

export function pricing(now: Date) {
  // expect: hardcoded_date
  if (now >= new Date("2026-07-01")) return "new";
  // expect: hardcoded_date
  const flags = { newCheckout: Date.now() > Date.parse("2026-02-01") };
  return flags;
}
