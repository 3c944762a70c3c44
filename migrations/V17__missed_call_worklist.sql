-- The missed-call worklist: inbound calls that were missed, dropped (abandoned) or went to voicemail,
-- per caller number, until the org calls that number back. A manager can mark a caller handled
-- otherwise; the resolution covers that caller's misses up to its time, so a caller who tries again
-- afterwards is open again.

-- The misses of a range, read without touching the org's other calls.
create index calls_org_missed_idx on public.calls (org_id, started_at)
  include (caller_number, agent_extension)
  where direction = 'incoming' and status in ('missed', 'dropped', 'voicemail') and caller_number is not null;

create table public.missed_call_resolutions (
  id            uuid primary key default gen_random_uuid(),
  org_id        uuid not null references public.organizations (id) on delete cascade,
  caller_number text not null check (length(caller_number) between 1 and 64),
  -- The miss the manager resolved (the first of its caller's open misses); kept for the audit trail
  -- and for a scoped agent's view (they see the resolutions of their own calls). No foreign key:
  -- calls are replaced wholesale (a reload truncates them) and the resolution is the caller's.
  call_id       uuid not null,
  note          text check (note is null or length(note) <= 500),
  resolved_by   uuid references public.profiles (id) on delete set null,
  resolved_at   timestamptz not null default now()
);
create index missed_call_resolutions_caller_idx
  on public.missed_call_resolutions (org_id, caller_number, resolved_at);

alter table public.missed_call_resolutions enable row level security;
alter table public.missed_call_resolutions force row level security;
create policy missed_call_resolutions_select on public.missed_call_resolutions for select to authenticated
  using (org_id in (select private.user_full_view_org_ids())
         -- (qualified: inside the subquery a bare org_id would be the call's own)
         or exists (select 1 from public.calls c where c.id = missed_call_resolutions.call_id
                    and c.org_id = missed_call_resolutions.org_id)
         or (select private.is_platform_admin()));
revoke all on public.missed_call_resolutions from public, anon, authenticated;
-- Written by the API only (as service_role, once the caller's role is checked under RLS, with the
-- audit entry in the same transaction): users, and PostgREST, read.
grant select on public.missed_call_resolutions to authenticated;
grant all on public.missed_call_resolutions to service_role;
