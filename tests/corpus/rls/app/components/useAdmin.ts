import { createClient } from "@supabase/supabase-js";

// expect: rls_violation
export const supabaseAdmin = createClient(url, process.env.SUPABASE_SERVICE_ROLE_KEY as string);
// expect: rls_violation
const key = process.env.NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY;
// expect: rls_violation
const viteKey = import.meta.env.VITE_SUPABASE_SERVICE_ROLE_KEY;
export { key, viteKey };
