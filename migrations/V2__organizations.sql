-- Tenants, people and membership.

create table public.organizations (
  id         uuid primary key default gen_random_uuid(),
  name       text not null check (char_length(btrim(name)) between 1 and 120),
  created_by uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One row per auth user (id = the JWT `sub`). `global_role` is the only source of platform-admin
-- rights: it is never taken from token metadata, and users cannot write it (column grants below).
create table public.profiles (
  id          uuid primary key,
  email       text check (email is null or char_length(email) <= 320),
  full_name   text check (full_name is null or char_length(full_name) <= 200),
  global_role text check (global_role in ('platform_admin')),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

create table public.org_users (
  id                   uuid primary key default gen_random_uuid(),
  org_id               uuid not null references public.organizations (id) on delete cascade,
  user_id              uuid not null references public.profiles (id) on delete cascade,
  role                 text not null check (role in ('org_admin', 'org_manager', 'agent')),
  mightycall_extension text check (mightycall_extension ~ '^[0-9]{1,10}$'),
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  unique (org_id, user_id)
);
create index org_users_user_id_idx on public.org_users (user_id);

-- Invite tokens are shown once and stored as SHA-256 only.
create table public.org_invites (
  id          uuid primary key default gen_random_uuid(),
  org_id      uuid not null references public.organizations (id) on delete cascade,
  email       text not null check (char_length(email) between 3 and 320),
  role        text not null check (role in ('org_admin', 'org_manager', 'agent')),
  token_hash  bytea not null unique check (octet_length(token_hash) = 32),
  invited_by  uuid references public.profiles (id) on delete set null,
  expires_at  timestamptz not null,
  accepted_at timestamptz,
  accepted_by uuid references public.profiles (id) on delete set null,
  created_at  timestamptz not null default now(),
  check (accepted_by is null or accepted_at is not null)
);
create index org_invites_org_id_idx on public.org_invites (org_id, created_at desc);

create trigger organizations_touch before update on public.organizations
  for each row execute function private.touch_updated_at();
create trigger profiles_touch before update on public.profiles
  for each row execute function private.touch_updated_at();
create trigger org_users_touch before update on public.org_users
  for each row execute function private.touch_updated_at();

-- Policy helpers. SECURITY DEFINER so that a policy on org_users does not recurse into org_users'
-- own policies; `search_path = ''` so a caller cannot shadow the tables they read.
create function private.user_org_ids() returns setof uuid
  language sql stable security definer
  set search_path = ''
as $$
  select ou.org_id from public.org_users ou where ou.user_id = (select auth.uid())
$$;

create function private.user_org_ids_with_role(roles text[]) returns setof uuid
  language sql stable security definer
  set search_path = ''
as $$
  select ou.org_id from public.org_users ou
  where ou.user_id = (select auth.uid()) and ou.role = any (roles)
$$;

create function private.is_platform_admin() returns boolean
  language sql stable security definer
  set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p
    where p.id = (select auth.uid()) and p.global_role = 'platform_admin'
  )
$$;

-- Users who share an org with the caller (to read co-members' profiles).
create function private.co_member_ids() returns setof uuid
  language sql stable security definer
  set search_path = ''
as $$
  select distinct other.user_id
  from public.org_users mine
  join public.org_users other on other.org_id = mine.org_id
  where mine.user_id = (select auth.uid())
$$;

-- With FORCE ROW LEVEL SECURITY a definer that is merely the table owner would be filtered by the very
-- policies that call it. Where the migrating role can bypass RLS (superuser, Supabase's `postgres`)
-- it keeps ownership; otherwise the helpers belong to service_role, which has BYPASSRLS.
do $$
begin
  if not exists (
    select 1 from pg_catalog.pg_roles where rolname = current_user and (rolsuper or rolbypassrls)
  ) then
    alter function private.user_org_ids() owner to service_role;
    alter function private.user_org_ids_with_role(text[]) owner to service_role;
    alter function private.is_platform_admin() owner to service_role;
    alter function private.co_member_ids() owner to service_role;
  end if;
end
$$;

revoke all on function private.user_org_ids() from public;
revoke all on function private.user_org_ids_with_role(text[]) from public;
revoke all on function private.is_platform_admin() from public;
revoke all on function private.co_member_ids() from public;
grant execute on function private.user_org_ids() to authenticated, service_role;
grant execute on function private.user_org_ids_with_role(text[]) to authenticated, service_role;
grant execute on function private.is_platform_admin() to authenticated, service_role;
grant execute on function private.co_member_ids() to authenticated, service_role;

alter table public.organizations enable row level security;
alter table public.organizations force row level security;
alter table public.profiles enable row level security;
alter table public.profiles force row level security;
alter table public.org_users enable row level security;
alter table public.org_users force row level security;
alter table public.org_invites enable row level security;
alter table public.org_invites force row level security;

-- organizations: members read; org admins rename; creation and deletion go through the service path
-- (onboarding must create the org and its first admin atomically).
create policy organizations_select on public.organizations for select to authenticated
  using (id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy organizations_update on public.organizations for update to authenticated
  using (id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()))
  with check (id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));

-- profiles: yourself, people you share an org with, or everyone for platform admins.
create policy profiles_select on public.profiles for select to authenticated
  using (id = (select auth.uid()) or id in (select private.co_member_ids()) or (select private.is_platform_admin()));
create policy profiles_insert on public.profiles for insert to authenticated
  with check (id = (select auth.uid()) and global_role is null);
create policy profiles_update on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- org_users: members see their orgs' member lists; org admins manage them.
create policy org_users_select on public.org_users for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy org_users_insert on public.org_users for insert to authenticated
  with check (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_users_update on public.org_users for update to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()))
  with check (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_users_delete on public.org_users for delete to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));

-- org_invites: org admins only; accepting an invite is done by the service path (the invitee is not
-- a member yet, so no member policy could let them read it).
create policy org_invites_select on public.org_invites for select to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_invites_insert on public.org_invites for insert to authenticated
  with check (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_invites_delete on public.org_invites for delete to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));

revoke all on public.organizations, public.profiles, public.org_users, public.org_invites from public, anon, authenticated;
grant select on public.organizations to authenticated;
grant update (name) on public.organizations to authenticated;
grant select on public.profiles to authenticated;
grant insert (id, email, full_name) on public.profiles to authenticated;
grant update (email, full_name) on public.profiles to authenticated;
grant select, delete on public.org_users to authenticated;
grant insert (org_id, user_id, role, mightycall_extension) on public.org_users to authenticated;
grant update (role, mightycall_extension) on public.org_users to authenticated;
grant select (id, org_id, email, role, invited_by, expires_at, accepted_at, accepted_by, created_at),
  delete on public.org_invites to authenticated;
grant insert (org_id, email, role, token_hash, invited_by, expires_at) on public.org_invites to authenticated;
grant select, insert, update, delete on public.organizations, public.profiles, public.org_users, public.org_invites to service_role;
