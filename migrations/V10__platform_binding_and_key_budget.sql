-- The platform's own MightyCall account serves only orgs a platform admin bound to it: having no
-- credentials is never enough (anyone can create an org). Binding and unbinding are audited.
create table public.platform_account_bindings (
  org_id   uuid primary key references public.organizations (id) on delete cascade,
  bound_by uuid references public.profiles (id) on delete set null,
  bound_at timestamptz not null default now()
);

alter table public.platform_account_bindings enable row level security;
alter table public.platform_account_bindings force row level security;
create policy platform_account_bindings_select on public.platform_account_bindings for select to authenticated
  using ((select private.is_platform_admin()));
create policy platform_account_bindings_insert on public.platform_account_bindings for insert to authenticated
  with check ((select private.is_platform_admin()) and bound_by = (select auth.uid()));
create policy platform_account_bindings_delete on public.platform_account_bindings for delete to authenticated
  using ((select private.is_platform_admin()));
revoke all on public.platform_account_bindings from public, anon, authenticated;
grant select, insert (org_id, bound_by), delete on public.platform_account_bindings to authenticated;
grant select, insert, update, delete on public.platform_account_bindings to service_role;

-- MightyCall's quota (2,500 requests a day) belongs to the api key, whichever orgs use it. Every
-- request is reserved here first with one atomic upsert, so concurrent runs, webhook fetches and
-- credential checks share one count. Keyed by a hash of the key: the key itself is never stored.
-- `mightycall_request_usage` (per org) stays as the org's own accounting.
create table public.mightycall_key_usage (
  key_fingerprint text not null check (key_fingerprint ~ '^[0-9a-f]{64}$'),
  day             date not null,
  requests        integer not null default 0 check (requests >= 0),
  primary key (key_fingerprint, day)
);

alter table public.mightycall_key_usage enable row level security;
alter table public.mightycall_key_usage force row level security;
revoke all on public.mightycall_key_usage from public, anon, authenticated;
grant select, insert, update, delete on public.mightycall_key_usage to service_role;

-- Saving an integration spends a MightyCall token request: saves are limited per org and window.
create table public.integration_save_attempts (
  org_id       uuid not null references public.organizations (id) on delete cascade,
  window_start timestamptz not null,
  attempts     integer not null default 0 check (attempts >= 0),
  primary key (org_id, window_start)
);

alter table public.integration_save_attempts enable row level security;
alter table public.integration_save_attempts force row level security;
revoke all on public.integration_save_attempts from public, anon, authenticated;
grant select, insert, update, delete on public.integration_save_attempts to service_role;
