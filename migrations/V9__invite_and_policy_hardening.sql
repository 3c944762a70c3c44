-- On Supabase, PostgREST serves `public` to the same access tokens the API accepts, so a policy is
-- the only thing between a signed-in user and a table: it must hold without the API's checks.
-- These writes now go through the service path only (the API switches the user's own transaction
-- to service_role for the one statement, after it has checked the caller):

-- A user-inserted job that is never dispatched (say for 1950–2050) would block the org's syncs.
drop policy integration_sync_jobs_insert on public.integration_sync_jobs;
revoke insert on public.integration_sync_jobs from authenticated;

-- Audit entries are written by the API with the change they describe; users could forge them.
drop policy audit_log_insert on public.audit_log;
revoke insert on public.audit_log from authenticated;
revoke usage on sequence public.audit_log_id_seq from authenticated;

-- Memberships come from onboarding only (create an org, or accept an invite sent to your email):
-- an org admin could otherwise add any user id without their consent.
drop policy org_users_insert on public.org_users;
revoke insert on public.org_users from authenticated;

-- Profiles are created by the API from the verified token, whose email it keeps; a user could
-- otherwise show any address. `full_name` stays the user's to change, within the rule below.
drop policy profiles_insert on public.profiles;
revoke insert, update on public.profiles from authenticated;
grant update (full_name) on public.profiles to authenticated;

-- A display name as people read it in member lists: trimmed with single spaces, no control or
-- invisible (bidi, zero-width) characters, and not a role's name, so an agent cannot appear as
-- "Org Admin". NULL when nothing acceptable is left. One definition, used by the API and the check.
create function private.clean_display_name(name text) returns text
  language sql immutable
  set search_path = ''
as $$
  select case
    when c.cleaned = '' or pg_catalog.char_length(c.cleaned) > 200 then null
    when c.cleaned ~ '[[:cntrl:]\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]' then null
    when pg_catalog.lower(pg_catalog.regexp_replace(c.cleaned, '[^[:alpha:]]', '', 'g'))
      in ('admin', 'administrator', 'orgadmin', 'orgmanager', 'manager', 'agent', 'platformadmin')
      then null
    else c.cleaned
  end
  from (select pg_catalog.btrim(pg_catalog.regexp_replace(name, '\s+', ' ', 'g')) as cleaned) c
$$;
revoke all on function private.clean_display_name(text) from public;
grant execute on function private.clean_display_name(text) to authenticated, service_role;

-- Existing names are cleaned first. FORCE is lifted for this statement only, so that a migrating
-- role without BYPASSRLS (the table owner on RDS) sees every row.
alter table public.profiles no force row level security;
update public.profiles set full_name = private.clean_display_name(full_name)
  where full_name is distinct from private.clean_display_name(full_name);
alter table public.profiles force row level security;

alter table public.profiles add constraint profiles_full_name_clean
  check (full_name is not distinct from private.clean_display_name(full_name));
