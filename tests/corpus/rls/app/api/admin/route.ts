import { createClient } from "@supabase/supabase-js";

// ok: rls_violation
const admin = createClient(process.env.SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);

export async function GET(request: Request, tenantId: string) {
  // expect: rls_violation
  const all = await admin.from("invoices").select("*");
  // expect: rls_violation
  await admin.from("invoices").delete().lt("total", 0);
  // ok: rls_violation
  const mine = await admin.from("invoices").select("*").eq("tenant_id", tenantId);
  // ok: rls_violation
  await admin.from("invoices").update({ paid: true }).match({ tenant_id: tenantId });
  return Response.json({ all, mine });
}
