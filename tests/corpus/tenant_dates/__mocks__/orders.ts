export const orders = [
  // ok: hardcoded_date
  { id: 1, createdAt: new Date("2024-01-05"), due: "2024-02-05" },
];
