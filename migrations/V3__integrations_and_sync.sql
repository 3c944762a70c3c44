-- Connected providers, sync bookkeeping, audit trail and inbound webhooks.

-- Credentials are AES-256-GCM ciphertext in the crypto crate's versioned text format (the key id is
-- inside it and repeated in `credentials_key_id` so rotation can find rows still on an old key).
-- The ciphertext columns are never granted to `authenticated`.
create table public.org_integrations (
  id                     uuid primary key default gen_random_uuid(),
  org_id                 uuid not null references public.organizations (id) on delete cascade,
  provider               text not null check (provider in ('mightycall')),
  credentials_ciphertext text not null,
  credentials_key_id     text not null check (credentials_key_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  api_key_hint           text check (char_length(api_key_hint) <= 8),
  metadata               jsonb not null default '{}' check (jsonb_typeof(metadata) = 'object'),
  enabled                boolean not null default true,
  sync_interval_minutes  integer not null default 60 check (sync_interval_minutes between 15 and 10080),
  token_cache_ciphertext text,
  token_expires_at       timestamptz,
  webhook_token_hash     bytea check (octet_length(webhook_token_hash) = 32),
  last_scheduled_at      timestamptz,
  created_by             uuid references public.profiles (id) on delete set null,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  unique (org_id, provider)
);
create index org_integrations_due_idx on public.org_integrations (provider, last_scheduled_at) where enabled;

-- Every sync run, whatever started it.
create table public.integration_sync_jobs (
  id               uuid primary key default gen_random_uuid(),
  org_id           uuid not null references public.organizations (id) on delete cascade,
  provider         text not null default 'mightycall' check (provider in ('mightycall')),
  resource         text not null check (resource in ('phone_numbers', 'calls', 'recordings', 'sms', 'voicemails', 'contacts')),
  status           text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed', 'partial')),
  trigger          text not null check (trigger in ('user', 'schedule', 'service', 'webhook')),
  requested_by     uuid references public.profiles (id) on delete set null,
  window_start     timestamptz,
  window_end       timestamptz,
  progress         jsonb not null default '{}' check (jsonb_typeof(progress) = 'object'),
  pages            integer not null default 0 check (pages >= 0),
  records_fetched  integer not null default 0 check (records_fetched >= 0),
  records_upserted integer not null default 0 check (records_upserted >= 0),
  records_skipped  integer not null default 0 check (records_skipped >= 0),
  api_requests     integer not null default 0 check (api_requests >= 0),
  attempts         integer not null default 0 check (attempts >= 0),
  error_code       text check (error_code ~ '^[a-z][a-z0-9_]{0,63}$'),
  error_message    text check (char_length(error_message) <= 1000),
  created_at       timestamptz not null default now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz not null default now(),
  check (window_start is null or window_end is null or window_start <= window_end),
  check ((status in ('succeeded', 'failed', 'partial')) = (finished_at is not null))
);
-- The database, not process memory, guarantees one active job per (org, resource): a second trigger
-- hits this index and returns the active job instead.
create unique index integration_sync_jobs_one_active_idx
  on public.integration_sync_jobs (org_id, resource) where status in ('queued', 'running');
create index integration_sync_jobs_org_idx on public.integration_sync_jobs (org_id, created_at desc, id desc);

-- Per (org, resource) high-water mark of what has been synced.
create table public.sync_state (
  org_id         uuid not null references public.organizations (id) on delete cascade,
  resource       text not null check (resource in ('phone_numbers', 'calls', 'recordings', 'sms', 'voicemails', 'contacts')),
  watermark      timestamptz,
  cursor         jsonb,
  last_job_id    uuid references public.integration_sync_jobs (id) on delete set null,
  last_success_at timestamptz,
  updated_at     timestamptz not null default now(),
  primary key (org_id, resource)
);

-- Append-only: no role may update or delete audit rows. Actors are kept as ids without foreign keys
-- so the trail outlives deleted users.
create table public.audit_log (
  id            bigint generated always as identity primary key,
  org_id        uuid references public.organizations (id) on delete cascade,
  actor_kind    text not null check (actor_kind in ('user', 'service', 'system', 'webhook')),
  actor_user_id uuid,
  action        text not null check (action ~ '^[a-z][a-z0-9_.]{0,63}$'),
  target        text check (char_length(target) <= 200),
  details       jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
  request_id    text check (char_length(request_id) <= 128),
  created_at    timestamptz not null default now(),
  check (actor_kind <> 'user' or actor_user_id is not null)
);
create index audit_log_org_idx on public.audit_log (org_id, created_at desc, id desc);

-- MightyCall webhooks arrive unsigned, possibly twice and in any order: keyed by their Guid.
create table public.webhook_events (
  id           uuid primary key default gen_random_uuid(),
  org_id       uuid not null references public.organizations (id) on delete cascade,
  provider     text not null default 'mightycall' check (provider in ('mightycall')),
  event_guid   text not null check (char_length(event_guid) between 1 and 100),
  event_type   text not null check (char_length(event_type) between 1 and 100),
  call_id      text check (char_length(call_id) <= 100),
  occurred_at  timestamptz,
  payload      jsonb not null,
  received_at  timestamptz not null default now(),
  processed_at timestamptz,
  unique (org_id, provider, event_guid)
);
create index webhook_events_call_idx on public.webhook_events (org_id, call_id, occurred_at);

create trigger org_integrations_touch before update on public.org_integrations
  for each row execute function private.touch_updated_at();
create trigger integration_sync_jobs_touch before update on public.integration_sync_jobs
  for each row execute function private.touch_updated_at();
create trigger sync_state_touch before update on public.sync_state
  for each row execute function private.touch_updated_at();

alter table public.org_integrations enable row level security;
alter table public.org_integrations force row level security;
alter table public.integration_sync_jobs enable row level security;
alter table public.integration_sync_jobs force row level security;
alter table public.sync_state enable row level security;
alter table public.sync_state force row level security;
alter table public.audit_log enable row level security;
alter table public.audit_log force row level security;
alter table public.webhook_events enable row level security;
alter table public.webhook_events force row level security;

-- Integrations are org settings: org admins (and platform admins) only, reads included.
create policy org_integrations_select on public.org_integrations for select to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_integrations_insert on public.org_integrations for insert to authenticated
  with check (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_integrations_update on public.org_integrations for update to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()))
  with check (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy org_integrations_delete on public.org_integrations for delete to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));

-- Jobs: members read their org's jobs; admins and managers may queue one for themselves.
create policy integration_sync_jobs_select on public.integration_sync_jobs for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
create policy integration_sync_jobs_insert on public.integration_sync_jobs for insert to authenticated
  with check (
    requested_by = (select auth.uid()) and trigger = 'user' and status = 'queued'
    and (org_id in (select private.user_org_ids_with_role(array['org_admin', 'org_manager'])) or (select private.is_platform_admin()))
  );

create policy sync_state_select on public.sync_state for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));

create policy audit_log_select on public.audit_log for select to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
create policy audit_log_insert on public.audit_log for insert to authenticated
  with check (
    actor_kind = 'user' and actor_user_id = (select auth.uid())
    and (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()))
  );

create policy webhook_events_select on public.webhook_events for select to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));

revoke all on public.org_integrations, public.integration_sync_jobs, public.sync_state, public.audit_log,
  public.webhook_events from public, anon, authenticated;
revoke all on sequence public.audit_log_id_seq from public, anon, authenticated;
grant select (id, org_id, provider, api_key_hint, metadata, enabled, sync_interval_minutes, token_expires_at,
  last_scheduled_at, created_by, created_at, updated_at) on public.org_integrations to authenticated;
grant insert (org_id, provider, credentials_ciphertext, credentials_key_id, api_key_hint, metadata, enabled,
  sync_interval_minutes, created_by) on public.org_integrations to authenticated;
grant update (credentials_ciphertext, credentials_key_id, api_key_hint, metadata, enabled, sync_interval_minutes)
  on public.org_integrations to authenticated;
grant delete on public.org_integrations to authenticated;
grant select on public.integration_sync_jobs to authenticated;
grant insert (org_id, provider, resource, trigger, requested_by, window_start, window_end)
  on public.integration_sync_jobs to authenticated;
grant select on public.sync_state to authenticated;
grant select on public.audit_log to authenticated;
grant insert (org_id, actor_kind, actor_user_id, action, target, details, request_id) on public.audit_log to authenticated;
grant select (id, org_id, provider, event_guid, event_type, call_id, occurred_at, received_at, processed_at)
  on public.webhook_events to authenticated;
grant usage on sequence public.audit_log_id_seq to authenticated, service_role;

grant select, insert, update, delete on public.org_integrations, public.integration_sync_jobs, public.sync_state,
  public.webhook_events to service_role;
grant select, insert on public.audit_log to service_role;
