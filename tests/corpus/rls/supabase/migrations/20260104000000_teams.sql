-- Teams: an open table anyone may create rows in, a membership table that must not be open,
-- RPCs granted to authenticated the way Supabase intends, and owner-filtered views.

-- ok: rls_violation
create table public.teams (id bigint generated always as identity primary key, name text not null);
alter table public.teams enable row level security;
-- ok: rls_violation
create policy "members read teams" on public.teams for select to authenticated
  using (id in (select team_id from public.team_members where user_id = (select auth.uid())));
-- expect: rls_violation
create policy "anyone creates a team" on public.teams for insert to authenticated with check (true);

create table public.team_members (
  team_id bigint not null references public.teams (id),
  member uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member'
);
alter table public.team_members enable row level security;
-- expect: rls_violation
create policy "join any team" on public.team_members for insert to authenticated with check (true);
-- ok: rls_violation
create policy "leave own team" on public.team_members for delete to authenticated
  using (member = (select auth.uid()));
-- expect: rls_violation
create policy "edit memberships" on public.team_members for update to authenticated
  using (member = (select auth.uid())) with check (true);

-- ok: rls_violation
create function public.team_ids_of_caller() returns setof bigint
language sql stable security definer set search_path = ''
as $$ select team_id from public.team_members where member = auth.uid() $$;
-- ok: rls_violation
grant execute on function public.team_ids_of_caller() to authenticated;

-- ok: rls_violation
create function public.team_count() returns bigint language sql stable set search_path = ''
as $$ select count(*) from public.teams $$;
-- ok: rls_violation
grant execute on function public.team_count() to authenticated, anon;

-- ok: rls_violation
create or replace function public.rename_team(p_team bigint, p_name text) returns void
language plpgsql security definer set search_path = '' as $$
begin
  if not exists (select 1 from public.team_members
                 where team_id = p_team and member = (select auth.uid()) and role = 'owner') then
    raise exception 'not an owner';
  end if;
  update public.teams set name = p_name where id = p_team;
end $$;

-- expect: rls_violation
create or replace function public.add_member(p_team bigint, p_user uuid) returns void
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.team_members (team_id, member) values (p_team, p_user);
end $$;
revoke execute on function public.add_member(bigint, uuid) from anon;

-- ok: rls_violation
create function public.transfer_all(p_from uuid, p_to uuid) returns void
language plpgsql security definer set search_path = '' as $$
begin
  update public.team_members set member = p_to where member = p_from;
end $$;
revoke all on function public.transfer_all(uuid, uuid) from public, anon, authenticated;

-- expect: rls_violation
create view public.my_teams as
  select t.* from public.teams t
  join public.team_members m on m.team_id = t.id
  where m.member = auth.uid();
-- ok: rls_violation
create view public.team_directory with (security_invoker = on) as
  select id, name from public.teams;
