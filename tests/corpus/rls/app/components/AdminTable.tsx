"use client";
import { createClient } from "@supabase/supabase-js";

// expect: rls_violation
const admin = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.SUPABASE_SERVICE_ROLE_KEY!);
// ok: rls_violation
const browser = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!);

export function AdminTable() {
  return <div>{String(Boolean(admin && browser))}</div>;
}
