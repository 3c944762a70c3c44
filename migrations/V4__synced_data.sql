-- Per-organisation copies of MightyCall data. Written only by the sync engine (service_role); members
-- of the org read them. Every table is unique on (org_id, external_id) so re-syncing upserts in place,
-- and durations are stored in one unit, milliseconds, whatever MightyCall sent.

create table public.phone_numbers (
  id                  uuid primary key default gen_random_uuid(),
  org_id              uuid not null references public.organizations (id) on delete cascade,
  external_id         text not null check (char_length(external_id) between 1 and 100),
  number              text not null check (char_length(number) between 1 and 32),
  label               text,
  description         text,
  is_enabled          boolean not null default true,
  is_primary          boolean not null default false,
  is_toll_free        boolean not null default false,
  is_international    boolean not null default false,
  sms_mode            text check (sms_mode in ('enabled', 'capable', 'disabled', 'unknown')),
  is_mms_enabled      boolean not null default false,
  call_recording_mode text,
  may_text            boolean not null default false,
  may_call            boolean not null default false,
  -- MightyCall's whenDeleted, or the time a full refresh no longer saw the number.
  deleted_at          timestamptz,
  synced_at           timestamptz not null default now(),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (org_id, external_id)
);
create index phone_numbers_org_number_idx on public.phone_numbers (org_id, number, id);

create table public.calls (
  id                  uuid primary key default gen_random_uuid(),
  org_id              uuid not null references public.organizations (id) on delete cascade,
  external_id         text not null check (char_length(external_id) between 1 and 100),
  started_at          timestamptz not null,
  direction           text not null check (direction in ('incoming', 'outgoing', 'unknown')),
  -- NULL while MightyCall still reports the call as in progress.
  status              text check (status in ('connected', 'missed', 'voicemail', 'dropped', 'unknown')),
  duration_ms         bigint check (duration_ms >= 0),
  business_number     text,
  caller_number       text,
  caller_name         text,
  caller_extension    text,
  called_number       text,
  called_name         text,
  agent_extension     text,
  recording_url       text,
  recording_file_name text,
  synced_at           timestamptz not null default now(),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (org_id, external_id)
);
-- The call list and every report walk one org's calls by time, newest first, with a stable tiebreak.
create index calls_org_started_idx on public.calls (org_id, started_at desc, id desc);

create table public.mightycall_recordings (
  id                uuid primary key default gen_random_uuid(),
  org_id            uuid not null references public.organizations (id) on delete cascade,
  external_id       text not null check (char_length(external_id) between 1 and 100),
  call_external_id  text,
  recorded_at       timestamptz not null,
  duration_ms       bigint check (duration_ms >= 0),
  direction         text not null default 'unknown' check (direction in ('incoming', 'outgoing', 'unknown')),
  business_number   text,
  caller_number     text,
  called_number     text,
  agent_extension   text,
  url               text not null,
  file_name         text,
  synced_at         timestamptz not null default now(),
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  unique (org_id, external_id)
);
create index mightycall_recordings_org_idx on public.mightycall_recordings (org_id, recorded_at desc, id desc);

create table public.mightycall_voicemails (
  id              uuid primary key default gen_random_uuid(),
  org_id          uuid not null references public.organizations (id) on delete cascade,
  external_id     text not null check (char_length(external_id) between 1 and 100),
  received_at     timestamptz not null,
  from_number     text,
  to_number       text,
  assigned_to     text,
  duration_ms     bigint check (duration_ms >= 0),
  status          text not null default 'unknown' check (status in ('read', 'unread', 'unknown')),
  recording_url   text,
  file_name       text,
  transcript      text,
  synced_at       timestamptz not null default now(),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (org_id, external_id)
);
create index mightycall_voicemails_org_idx on public.mightycall_voicemails (org_id, received_at desc, id desc);

create table public.mightycall_sms_messages (
  id               uuid primary key default gen_random_uuid(),
  org_id           uuid not null references public.organizations (id) on delete cascade,
  external_id      text not null check (char_length(external_id) between 1 and 100),
  sent_at          timestamptz not null,
  direction        text not null check (direction in ('inbound', 'outbound', 'internal', 'unknown')),
  client_number    text,
  business_number  text,
  agent_extension  text,
  agent_name       text,
  body             text,
  delivery_status  text,
  attachments      jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array'),
  synced_at        timestamptz not null default now(),
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  unique (org_id, external_id)
);
create index mightycall_sms_messages_org_idx on public.mightycall_sms_messages (org_id, sent_at desc, id desc);

create table public.mightycall_contacts (
  id                uuid primary key default gen_random_uuid(),
  org_id            uuid not null references public.organizations (id) on delete cascade,
  external_id       text not null check (char_length(external_id) between 1 and 100),
  etag              text,
  first_name        text,
  last_name         text,
  phones            text[] not null default '{}',
  emails            text[] not null default '{}',
  tags              text[] not null default '{}',
  source_created_at timestamptz,
  source_updated_at timestamptz,
  deleted_at        timestamptz,
  synced_at         timestamptz not null default now(),
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now(),
  unique (org_id, external_id)
);
create index mightycall_contacts_org_idx on public.mightycall_contacts (org_id, source_updated_at desc, id desc);

do $$
declare
  t text;
begin
  foreach t in array array['phone_numbers', 'calls', 'mightycall_recordings', 'mightycall_voicemails',
                           'mightycall_sms_messages', 'mightycall_contacts']
  loop
    execute format('alter table public.%I enable row level security', t);
    execute format('alter table public.%I force row level security', t);
    execute format(
      'create policy %I on public.%I for select to authenticated
         using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()))',
      t || '_select', t);
    execute format('create trigger %I before update on public.%I for each row execute function private.touch_updated_at()',
      t || '_touch', t);
    execute format('revoke all on public.%I from public, anon, authenticated', t);
    execute format('grant select on public.%I to authenticated', t);
    execute format('grant select, insert, update, delete on public.%I to service_role', t);
  end loop;
end
$$;
