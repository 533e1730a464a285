export type Database = {
  public: {
    Enums: {
      // ok: hardcoded_secret
      app_role: "anon" | "authenticated" | "service_role";
    };
    Functions: {
      // ok: hardcoded_secret
      rotate_service_role_token: { Args: { token_name: string }; Returns: undefined };
    };
  };
};
// ok: hardcoded_secret
export const SERVICE_ROLE_ENV = "SUPABASE_SERVICE_ROLE_KEY";
// ok: hardcoded_secret
export const token = process.env.SUPABASE_SERVICE_ROLE_KEY;
