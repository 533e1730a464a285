import { createClient } from "@supabase/supabase-js";

// expect: hardcoded_secret
const serviceKey = "{{token:jwt_service_role}}";
// expect: hardcoded_secret
const secret = "{{token:sb_secret}}";
// expect: hardcoded_secret
const ghToken = "{{token:github_classic}}";
// expect: hardcoded_secret
const stripeKey = "{{token:stripe_live}}";
// expect: hardcoded_secret
const openai = "{{token:openai}}";
// expect: hardcoded_secret
const slack = "{{token:slack_bot}}";
// expect: hardcoded_secret
const firebase = { apiKey: "{{token:google_api}}" };
// expect: hardcoded_secret
const apiSecret = "{{token:generic}}";
// expect: hardcoded_secret
const conn = "postgres://admin:{{token:password}}@10.0.0.5/app";

// ok: hardcoded_secret
const anonKey = "{{token:jwt_anon}}";
// ok: hardcoded_secret
const publishable = "{{token:sb_publishable}}";
// ok: hardcoded_secret
const key = process.env.SUPABASE_SERVICE_ROLE_KEY!;
// ok: hardcoded_secret
const token = import.meta.env.VITE_PUBLIC_TOKEN;
// ok: hardcoded_secret
const passwordLabel = "Enter your password";
// ok: hardcoded_secret
const placeholder = "<YOUR_API_KEY>";

export const admin = createClient("https://x.supabase.co", key);
export { serviceKey, secret, ghToken, stripeKey, openai, slack, firebase, apiSecret, conn };
export { anonKey, publishable, token, passwordLabel, placeholder };
