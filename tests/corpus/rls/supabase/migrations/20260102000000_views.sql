-- expect: rls_violation
create view public.invoice_totals as select tenant_id, sum(total) from public.invoices group by 1;
-- expect: rls_violation
create or replace view public.project_list as select id, org_id from public.projects;
-- expect: rls_violation
create view public.user_emails as select id, email from auth.users;
-- expect: rls_violation
create materialized view public.stats as select count(*) from public.projects;
-- ok: rls_violation
create view public.safe_projects with (security_invoker = on) as select id from public.projects;
-- ok: rls_violation
create view private.admin_users as select id, email from auth.users;

-- expect: rls_violation
create function public.grant_admin(uid uuid) returns void language plpgsql security definer as $$
begin
  update public.memberships set role = 'admin' where user_id = uid;
end;
$$;

-- expect: rls_violation
CREATE OR REPLACE FUNCTION public.purge() RETURNS void LANGUAGE sql SECURITY DEFINER AS 'delete from public.cache_entries';

-- ok: rls_violation
create function public.safe_admin(uid uuid) returns void language plpgsql security definer set search_path = '' as $$
begin
  if not exists (select 1 from public.memberships m where m.user_id = auth.uid() and m.role = 'owner') then
    raise exception 'forbidden';
  end if;
  update public.memberships set role = 'admin' where user_id = uid;
end;
$$;

-- ok: rls_violation
create function public.add(a int, b int) returns int language sql as $$ select a + b $$;

-- ok: rls_violation
grant execute on function public.grant_admin(uuid) to anon;
-- ok: rls_violation
grant execute on function public.purge() to authenticated;
-- ok: rls_violation
grant execute on function public.safe_admin(uuid) to service_role;
-- ok: rls_violation
revoke execute on function public.purge() from anon;
