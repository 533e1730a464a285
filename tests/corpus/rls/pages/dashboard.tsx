import { createClient } from "@supabase/supabase-js";

// expect: rls_violation
const db = createClient(URL, serviceRoleKey);

export default function Dashboard() {
  return <main>{String(Boolean(db))}</main>;
}
