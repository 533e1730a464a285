-- expect: rls_violation
create table public.invoices (id uuid primary key, tenant_id uuid not null, total numeric);
-- expect: rls_violation
CREATE TABLE IF NOT EXISTS customers (id bigint primary key, org_id uuid);
-- expect: rls_violation
create table "public"."audit_events" (id bigserial primary key, payload jsonb);
-- expect: rls_violation
create table public.webhooks (id uuid primary key, url text not null);
-- expect: rls_violation
create unlogged table public.cache_entries (key text primary key, value text);

create table public.projects (id uuid primary key, org_id uuid not null);
alter table public.projects enable row level security;
-- ok: rls_violation
create policy "members read projects" on public.projects for select
  using (org_id in (select org_id from public.memberships where user_id = auth.uid()));

-- ok: rls_violation
create table private.jobs (id bigint primary key, state text);
-- ok: rls_violation
create table if not exists public.memberships (user_id uuid, org_id uuid);
-- expect: rls_violation
alter table public.memberships enable row level security;

-- expect: rls_violation
alter table public.projects disable row level security;
-- expect: rls_violation
ALTER TABLE customers DISABLE ROW LEVEL SECURITY;

-- expect: rls_violation
create policy "anyone writes invoices" on public.invoices for insert with check (true);
-- expect: rls_violation
create policy "anyone updates" on public.invoices for update using (true) with check (true);
-- expect: rls_violation
create policy "anyone deletes" on public.invoices for delete using (true);
-- expect: rls_violation
create policy "all access" on public.invoices for all using (true);
-- expect: rls_violation
create policy "default command" on public.invoices using (true);
-- ok: rls_violation
create policy "public read" on public.projects for select using (true);

-- expect: rls_violation
create policy "admins" on public.projects for update using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');
-- expect: rls_violation
create policy "meta read" on public.projects for select using (auth.jwt() -> 'user_metadata' ->> 'org' = org_id::text);
-- ok: rls_violation
create policy "app meta" on public.projects for select using ((auth.jwt() -> 'app_metadata' ->> 'org') = org_id::text);
