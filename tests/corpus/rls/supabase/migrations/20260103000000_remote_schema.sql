--
-- Shaped like `supabase db dump` / pg_dump output: quoted identifiers, psql meta-commands,
-- COPY data, and the GRANT ALL … TO "anon" lines every dump carries.
--
\restrict Hn2pW8sKq4
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);
\connect postgres
-- ok: rls_violation
CREATE TABLE IF NOT EXISTS "public"."profiles" (
    "id" "uuid" NOT NULL,
    "username" "text",
    "avatar_url" "text"
);
ALTER TABLE "public"."profiles" OWNER TO "postgres";
-- ok: rls_violation
ALTER TABLE ONLY "public"."profiles" ENABLE ROW LEVEL SECURITY;
-- ok: rls_violation
CREATE POLICY "Public profiles are viewable by everyone." ON "public"."profiles" FOR SELECT USING (true);
-- ok: rls_violation
CREATE POLICY "Users can insert their own profile." ON "public"."profiles" FOR INSERT WITH CHECK (("auth"."uid"() = "id"));
-- ok: rls_violation
CREATE POLICY "Users can update own profile." ON "public"."profiles" FOR UPDATE USING ((( SELECT "auth"."uid"() AS "uid") = "id"));
-- ok: rls_violation
CREATE OR REPLACE FUNCTION "public"."handle_new_user"() RETURNS "trigger"
    LANGUAGE "plpgsql" SECURITY DEFINER
    SET "search_path" TO ''
    AS $$
begin
  insert into public.profiles (id, username, avatar_url)
  values (new.id, new.raw_user_meta_data->>'username', new.raw_user_meta_data->>'avatar_url');
  return new;
end;
$$;
ALTER FUNCTION "public"."handle_new_user"() OWNER TO "postgres";
-- ok: rls_violation
GRANT ALL ON FUNCTION "public"."handle_new_user"() TO "anon";
GRANT ALL ON FUNCTION "public"."handle_new_user"() TO "authenticated";
GRANT ALL ON FUNCTION "public"."handle_new_user"() TO "service_role";
-- ok: rls_violation
CREATE OR REPLACE FUNCTION "public"."search_profiles"("q" "text") RETURNS SETOF "public"."profiles"
    LANGUAGE "sql" STABLE
    AS $_$ select * from public.profiles where username ilike '%' || $1 || '%' $_$;
GRANT ALL ON FUNCTION "public"."search_profiles"("q" "text") TO "anon";
GRANT ALL ON TABLE "public"."profiles" TO "anon";
GRANT ALL ON TABLE "public"."profiles" TO "authenticated";
COPY "public"."profiles" ("id", "username", "avatar_url") FROM stdin;
7c9e6679-7425-40de-944b-e07fc1f90ae7	create table public.fake (id int);	\N
\.
-- expect: rls_violation
CREATE TABLE IF NOT EXISTS "public"."Orders" (
    "id" bigint NOT NULL,
    "customer_id" "uuid"
);
-- ok: rls_violation
CREATE TABLE IF NOT EXISTS "public"."workspace_members" (
    "workspace_id" "uuid" NOT NULL,
    "user_id" "uuid" NOT NULL
);
ALTER TABLE "public"."workspace_members" ENABLE ROW LEVEL SECURITY;
-- expect: rls_violation
CREATE POLICY "join any workspace" ON "public"."workspace_members" FOR INSERT TO "authenticated" WITH CHECK (true);
\unrestrict Hn2pW8sKq4
