-- Supabase ships these roles and helpers; plain PostgreSQL (tests, RDS) does not. Create each one only
-- where it is missing so the same migrations run on both.
--
-- The roles are NOLOGIN: the application logs in with its own NOINHERIT role and picks one of these per
-- transaction (`set_config('role', …, true)`), so a forgotten role switch has no privileges at all.
do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- `request.jwt.claims` reads as '' (not NULL) once it has been set and reset in a pooled session,
-- so '' must mean "no claims" rather than a JSON syntax error.
do $$
begin
  if not exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'jwt'
  ) then
    create function auth.jwt() returns jsonb
      language sql stable
      set search_path = ''
    as $fn$
      select coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::jsonb
    $fn$;
  end if;

  if not exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'uid'
  ) then
    create function auth.uid() returns uuid
      language sql stable
      set search_path = ''
    as $fn$
      select nullif(
        coalesce(nullif(pg_catalog.current_setting('request.jwt.claims', true), ''), '{}')::jsonb ->> 'sub',
        ''
      )::uuid
    $fn$;
  end if;
end
$$;

grant execute on function auth.jwt() to anon, authenticated, service_role;
grant execute on function auth.uid() to anon, authenticated, service_role;

-- Helpers used by policies live here: not exposed through any API schema, never executable by anon.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- Tables in public get their grants one by one; nothing is granted by default.
revoke create on schema public from public;
grant usage on schema public to authenticated, service_role;
alter default privileges in schema public revoke all on tables from public, anon, authenticated;
alter default privileges in schema public revoke all on sequences from public, anon, authenticated;
-- Per-schema default privileges can only add to the global ones, so functions are revoked one by one.

create function private.touch_updated_at() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.updated_at := pg_catalog.now();
  return new;
end
$$;
revoke all on function private.touch_updated_at() from public;
