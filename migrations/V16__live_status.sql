-- Live agent status (issue 12): who is ringing, on a call or free right now, per extension, kept
-- from the MightyCall webhooks in the same transaction that stores them.
--
-- MightyCall reports each user's part of a call (a leg) with `Body.Extension`:
--   …CallRinging → ringing, …CallConnected → on_call, …CallStopRinging / …CallCompleted → ended,
--   and `OutgoingCall` with an extension (the agent dials out) → ringing;
-- a `…Completed` without an extension ends the whole call, so every leg of it. An extension's
-- state is read from its legs (live_status.rs in the store): on a call if any leg is, else ringing
-- if any leg rings, else available once it was heard of; unknown when nothing was heard for the
-- org's `live_status_unknown_after_minutes`.
--
-- Delivery order is undefined and events come twice (the Guid de-duplicates those): a leg keeps the
-- MightyCall `Timestamp` of the event that set its state and ignores older events, and an event of
-- a leg older than the whole call's end ends the leg.

-- How long silence may last before a state is no longer trusted: longer than nearly every call (a
-- call sends nothing between its connect and its end), short enough that an agent who left is not
-- shown as available all shift. Org admins tune it like the other org settings.
alter table public.organizations
  add column live_status_unknown_after_minutes integer not null default 120
    check (live_status_unknown_after_minutes between 1 and 1440);
grant update (live_status_unknown_after_minutes) on public.organizations to authenticated;

create table public.live_call_legs (
  org_id       uuid not null references public.organizations (id) on delete cascade,
  extension    text not null check (char_length(extension) between 1 and 50),
  call_id      text not null check (char_length(call_id) between 1 and 100),
  direction    text not null check (direction in ('incoming', 'outgoing', 'callback')),
  state        text not null check (state in ('ringing', 'on_call', 'ended')),
  -- MightyCall's time of the event that set `state` (not when it arrived).
  state_at     timestamptz not null,
  -- The other party: the caller of an incoming leg, the called number of an outgoing or callback leg.
  counterpart  text check (char_length(counterpart) <= 100),
  -- When the leg connected, while it is on a call.
  connected_at timestamptz,
  primary key (org_id, extension, call_id)
);
create index live_call_legs_call_idx on public.live_call_legs (org_id, call_id);
create index live_call_legs_age_idx on public.live_call_legs (org_id, state_at);

-- Later states of a leg win a tie of timestamps: an end and a connect in the same instant end it.
create function private.live_leg_rank(state text) returns int
  language sql immutable
as $$
  select case state when 'ringing' then 1 when 'on_call' then 2 else 3 end
$$;
revoke all on function private.live_leg_rank(text) from public;
grant execute on function private.live_leg_rank(text) to service_role;

-- One stored event's effect. The states it leaves do not depend on the order events come in (only
-- an ended leg's time may then be its call's end rather than its own), so the backfill below
-- replays them in any order.
create function private.apply_live_event(org uuid, kind text, call text, raw_extension text,
                                         from_number text, to_number text, at timestamptz)
  returns void
  language plpgsql
  set search_path = ''
as $$
declare
  leg_extension text := pg_catalog.btrim(raw_extension);
  leg_direction text := case
    when kind like 'Incoming%' then 'incoming'
    when kind like 'Outgoing%' then 'outgoing'
    when kind like 'Callback%' then 'callback' end;
  leg_state text := case
    when kind in ('IncomingCallRinging', 'CallbackCallRinging', 'OutgoingCall') then 'ringing'
    when kind in ('IncomingCallConnected', 'OutgoingCallConnected', 'CallbackCallConnected') then 'on_call'
    -- `IncomingStopRinging`: so spelled in MightyCall's voicemail example.
    when kind in ('IncomingCallStopRinging', 'CallbackCallStopRinging', 'IncomingStopRinging',
                  'IncomingCallCompleted', 'OutgoingCallCompleted', 'CallbackCallCompleted') then 'ended' end;
  party text;
  call_ended timestamptz;
begin
  -- Legs older than the longest `live_status_unknown_after_minutes` are never shown.
  if call is null or leg_state is null or at is null or at < pg_catalog.now() - interval '24 hours' then
    return;
  end if;

  if coalesce(leg_extension, '') = '' then
    -- A whole-call event: only its end concerns the legs.
    if kind like '%Completed' then
      update public.live_call_legs l
      set state = 'ended', state_at = at, connected_at = null
      where l.org_id = org and l.call_id = call and l.state <> 'ended' and l.state_at <= at;
    end if;
    return;
  end if;
  if pg_catalog.char_length(leg_extension) > 50 then
    return;
  end if;

  if leg_state <> 'ended' then
    -- The call may already have ended (its end delivered first): then so has this leg.
    select max(e.occurred_at) into call_ended
    from public.webhook_events e
    where e.org_id = org and e.call_id = call and e.occurred_at >= at
      and e.event_type in ('IncomingCallCompleted', 'OutgoingCallCompleted', 'CallbackCallCompleted')
      and coalesce(pg_catalog.btrim(e.payload #>> '{Body,Extension}'), '') = '';
    if call_ended is not null then
      leg_state := 'ended';
      at := call_ended;
    end if;
  end if;
  party := pg_catalog.left(nullif(pg_catalog.btrim(
    case leg_direction when 'incoming' then from_number else to_number end), ''), 100);

  insert into public.live_call_legs as l
    (org_id, extension, call_id, direction, state, state_at, counterpart, connected_at)
  values (org, leg_extension, call, leg_direction, leg_state, at, party,
          case when leg_state = 'on_call' then at end)
  on conflict (org_id, extension, call_id) do update
    set direction = excluded.direction,
        state = excluded.state,
        state_at = excluded.state_at,
        counterpart = coalesce(excluded.counterpart, l.counterpart),
        -- A second connect of a leg already on the call keeps the first.
        connected_at = case when excluded.state = 'on_call'
                            then coalesce(case when l.state = 'on_call' then l.connected_at end, excluded.connected_at) end
    where (l.state_at, private.live_leg_rank(l.state)) < (excluded.state_at, private.live_leg_rank(excluded.state));

  delete from public.live_call_legs l
  where l.org_id = org and l.state_at < pg_catalog.now() - interval '24 hours';
end
$$;
revoke all on function private.apply_live_event(uuid, text, text, text, text, text, timestamptz) from public;
grant execute on function private.apply_live_event(uuid, text, text, text, text, text, timestamptz) to service_role;

-- SECURITY INVOKER: the webhook receiver stores events as service_role, which writes the legs.
create function private.track_live_status() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  -- Old events (a test's or a replay's history) change nothing: no lock for them.
  if new.occurred_at < pg_catalog.now() - interval '24 hours' then
    return null;
  end if;
  -- One call's events one at a time, so that a leg and its call's end never pass each other in
  -- concurrent transactions (each statement of apply_live_event sees what the other committed).
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(new.org_id::text || '/' || new.call_id, 17));
  perform private.apply_live_event(new.org_id, new.event_type, new.call_id,
                                   new.payload #>> '{Body,Extension}', new.payload #>> '{Body,From}',
                                   new.payload #>> '{Body,To}', new.occurred_at);
  return null;
end
$$;
revoke all on function private.track_live_status() from public;
-- A redelivered event (its Guid already stored) inserts no row and so fires nothing.
create trigger webhook_events_live_status after insert on public.webhook_events
  for each row when (new.call_id is not null) execute function private.track_live_status();

-- Members read their org's legs; with agent scoping an agent reads only their own extension's,
-- as with calls (V14), so that PostgREST and a forgotten check hold the same line.
alter table public.live_call_legs enable row level security;
alter table public.live_call_legs force row level security;
create policy live_call_legs_select on public.live_call_legs for select to authenticated
  using (org_id in (select private.user_full_view_org_ids())
         or (org_id, extension) in (select s.org_id, s.extension from private.user_scoped_extensions() s)
         or (select private.is_platform_admin()));
revoke all on public.live_call_legs from public, anon, authenticated;
grant select on public.live_call_legs to authenticated;
grant all on public.live_call_legs to service_role;

-- Events of the last day stored before this migration (FORCE lifted for these statements, as in
-- V14, so that a migrating role without BYPASSRLS sees and writes every row). Without the per-call
-- lock: one lock per call of the day would overflow the lock table, and the order does not matter.
alter table public.webhook_events no force row level security;
alter table public.live_call_legs no force row level security;
select private.apply_live_event(e.org_id, e.event_type, e.call_id, e.payload #>> '{Body,Extension}',
                                e.payload #>> '{Body,From}', e.payload #>> '{Body,To}', e.occurred_at)
from public.webhook_events e
where e.call_id is not null and e.occurred_at >= now() - interval '24 hours';
alter table public.webhook_events force row level security;
alter table public.live_call_legs force row level security;
