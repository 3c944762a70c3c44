-- Analytics in each org's own terms: wait times from the webhook timeline, rollups by the org's
-- local day with the service-level measures, agent names, and agent scoping enforced by RLS.

-- 1. Wait times. MightyCall's /calls carries no ring or queue time; the webhooks do:
--    IncomingCall (offered) → IncomingCallConnected (answered) → IncomingCallCompleted (ended).
--    Either the call or its webhooks may arrive first, so both sides fill the columns.
alter table public.calls
  add column wait_to_answer_ms bigint check (wait_to_answer_ms >= 0),
  add column wait_to_end_ms bigint check (wait_to_end_ms >= 0);

-- Null where an end of the interval is missing or the clocks disagree (negative): unknown, never guessed.
-- Without `set search_path` (every name is qualified) so that the planner inlines it: the insert
-- trigger below runs it for every synced inbound call, and a call that is not inlined is planned
-- again each time (it made the sync four times slower).
create function private.call_timeline(org uuid, call text)
  returns table (to_answer_ms bigint, to_end_ms bigint)
  language sql stable
as $$
  select case when t.connected >= t.offered
              then (extract(epoch from t.connected - t.offered) * 1000)::bigint end,
         case when t.ended >= t.offered
              then (extract(epoch from t.ended - t.offered) * 1000)::bigint end
  from (select min(e.occurred_at) filter (where e.event_type = 'IncomingCall') as offered,
               min(e.occurred_at) filter (where e.event_type = 'IncomingCallConnected') as connected,
               max(e.occurred_at) filter (where e.event_type = 'IncomingCallCompleted') as ended
        from public.webhook_events e
        where e.org_id = org and e.call_id = call) t
$$;
revoke all on function private.call_timeline(uuid, text) from public;
grant execute on function private.call_timeline(uuid, text) to service_role;

-- Webhooks that come after their call update it (and so, through its triggers, the rollups).
create function private.apply_call_timelines() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  -- EXECUTE: planned for the table as it is now (see fill_call_facts below).
  execute $sql$
    update public.calls c
    set wait_to_answer_ms = t.to_answer_ms, wait_to_end_ms = t.to_end_ms
    from (select distinct n.org_id, n.call_id from new_rows n
          where n.call_id is not null and n.event_type like 'IncomingCall%') e
    cross join lateral private.call_timeline(e.org_id, e.call_id) t
    where c.org_id = e.org_id and c.external_id = e.call_id and c.direction = 'incoming'
      and (c.wait_to_answer_ms, c.wait_to_end_ms) is distinct from (t.to_answer_ms, t.to_end_ms)
  $sql$;
  return null;
end
$$;
revoke all on function private.apply_call_timelines() from public;
create trigger webhook_events_timeline after insert on public.webhook_events
  referencing new table as new_rows
  for each statement execute function private.apply_call_timelines();

-- 2. Repeat callers and callbacks: for each inbound call, the next inbound call from the same number
--    within 24 h, and the first outbound call to that number within 7 days. Kept on the call when
--    either side is written, so a report reads them instead of searching each caller's history.
alter table public.calls
  add column next_inbound_at timestamptz,
  add column callback_at timestamptz;
create index calls_org_caller_idx on public.calls (org_id, caller_number, started_at)
  where direction = 'incoming';
create index calls_org_called_idx on public.calls (org_id, called_number, started_at)
  where direction = 'outgoing';
-- The two inbound measures that are not sums, distinct repeat callers and callback-time percentiles,
-- read only the calls they concern.
create index calls_org_repeated_idx on public.calls (org_id, started_at)
  include (caller_number, status, agent_extension, business_number)
  where direction = 'incoming' and next_inbound_at is not null;
create index calls_org_called_back_idx on public.calls (org_id, started_at)
  include (callback_at, status, agent_extension, business_number)
  where direction = 'incoming' and callback_at is not null;

-- A synced call picks up what came before it: its webhooks, a later call from the same number, a
-- callback (the upsert's update keeps these columns). Each lookup has its index; without sequential
-- scans the plan a connection caches stays an index probe even when it was made while the table
-- was nearly empty (a first sync into a new database), where it would scan the whole table for
-- every later call.
create function private.fill_call_facts() returns trigger
  language plpgsql
  set search_path = ''
  set enable_seqscan = off
as $$
declare
  found record;
begin
  select t.to_answer_ms, t.to_end_ms,
         (select min(n.started_at) from public.calls n
          where n.org_id = new.org_id and n.direction = 'incoming' and n.caller_number = new.caller_number
            and n.started_at > new.started_at and n.started_at <= new.started_at + interval '24 hours')
           as next_at,
         (select min(b.started_at) from public.calls b
          where b.org_id = new.org_id and b.direction = 'outgoing' and b.called_number = new.caller_number
            and b.started_at > new.started_at and b.started_at <= new.started_at + interval '7 days')
           as back_at
  into found
  from private.call_timeline(new.org_id, new.external_id) t;
  -- A writer that knows the waits (a reload) keeps them unless the webhooks say otherwise.
  new.wait_to_answer_ms := coalesce(found.to_answer_ms, new.wait_to_answer_ms);
  new.wait_to_end_ms := coalesce(found.to_end_ms, new.wait_to_end_ms);
  new.next_inbound_at := found.next_at;
  new.callback_at := found.back_at;
  return new;
end
$$;
revoke all on function private.fill_call_facts() from public;
create trigger calls_fill_facts before insert on public.calls
  for each row when (new.direction = 'incoming') execute function private.fill_call_facts();

-- ... and the calls written after it update it: a new inbound call is the next call of the earlier
-- ones from its number, a new outbound call the callback of earlier inbound calls to its number.
-- One UPDATE (its own statement triggers run once), planned for each batch (EXECUTE) as the table
-- grows.
create function private.link_later_calls() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  execute $sql$
    update public.calls p
    set next_inbound_at = least(p.next_inbound_at, x.next_at), callback_at = least(p.callback_at, x.back_at)
    from (select l.id, min(l.next_at) as next_at, min(l.back_at) as back_at
          from (select e.id, n.started_at as next_at, null::timestamptz as back_at
                from new_rows n
                join public.calls e on e.org_id = n.org_id and e.direction = 'incoming'
                  and e.caller_number = n.caller_number
                  and e.started_at < n.started_at and e.started_at >= n.started_at - interval '24 hours'
                where n.direction = 'incoming' and n.caller_number is not null
                union all
                select e.id, null, n.started_at
                from new_rows n
                join public.calls e on e.org_id = n.org_id and e.direction = 'incoming'
                  and e.caller_number = n.called_number
                  and e.started_at < n.started_at and e.started_at >= n.started_at - interval '7 days'
                where n.direction = 'outgoing' and n.called_number is not null) l
          group by l.id) x
    where p.id = x.id
      and (p.next_inbound_at, p.callback_at)
          is distinct from (least(p.next_inbound_at, x.next_at), least(p.callback_at, x.back_at))
  $sql$;
  return null;
end
$$;
revoke all on function private.link_later_calls() from public;
create trigger calls_link_later after insert on public.calls
  referencing new table as new_rows
  for each statement execute function private.link_later_calls();

-- A re-sync that moves a call (its time, numbers or direction change) or a deleted call changes the
-- links of the calls around its old and new place: those are computed again from the calls.
create function private.relink_moved_calls() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  moved text := case tg_op
    when 'DELETE' then 'select o.* from old_rows o'
    else 'select n.* from new_rows n join old_rows o on o.id = n.id
            where (n.started_at, n.direction, n.caller_number, n.called_number)
                  is distinct from (o.started_at, o.direction, o.caller_number, o.called_number)
          union all
          select o.* from old_rows o join new_rows n on n.id = o.id
            where (n.started_at, n.direction, n.caller_number, n.called_number)
                  is distinct from (o.started_at, o.direction, o.caller_number, o.called_number)'
  end;
  any_moved boolean;
begin
  -- Statement triggers fire for zero rows too; the update below fires this trigger again, with
  -- nothing moved.
  execute pg_catalog.format('select exists (%s)', moved) into any_moved;
  if not any_moved then
    return null;
  end if;
  execute pg_catalog.format($sql$
    with moved as (%s),
    affected as (
      -- the moved inbound calls themselves
      select m.id from moved m where m.direction = 'incoming'
      union
      -- earlier inbound calls from the same number, whose next call it was or is
      select e.id from moved m
      join public.calls e on e.org_id = m.org_id and e.direction = 'incoming' and e.caller_number = m.caller_number
        and e.started_at < m.started_at and e.started_at >= m.started_at - interval '24 hours'
      where m.direction = 'incoming'
      union
      -- earlier inbound calls from the number it called, whose callback it was or is
      select e.id from moved m
      join public.calls e on e.org_id = m.org_id and e.direction = 'incoming' and e.caller_number = m.called_number
        and e.started_at < m.started_at and e.started_at >= m.started_at - interval '7 days'
      where m.direction = 'outgoing'
    ),
    links as (
      select a.id,
             case when a.direction = 'incoming' then (
               select min(n.started_at) from public.calls n
               where n.org_id = a.org_id and n.direction = 'incoming' and n.caller_number = a.caller_number
                 and n.started_at > a.started_at and n.started_at <= a.started_at + interval '24 hours') end
               as next_at,
             case when a.direction = 'incoming' then (
               select min(b.started_at) from public.calls b
               where b.org_id = a.org_id and b.direction = 'outgoing' and b.called_number = a.caller_number
                 and b.started_at > a.started_at and b.started_at <= a.started_at + interval '7 days') end
               as back_at
      from public.calls a
      where a.id in (select id from affected union select id from moved)
    )
    update public.calls p set next_inbound_at = l.next_at, callback_at = l.back_at
    from links l
    where p.id = l.id and (p.next_inbound_at, p.callback_at) is distinct from (l.next_at, l.back_at)
  $sql$, moved);
  return null;
end
$$;
revoke all on function private.relink_moved_calls() from public;
create trigger calls_relink_update after update on public.calls
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.relink_moved_calls();
create trigger calls_relink_delete after delete on public.calls
  referencing old table as old_rows
  for each statement execute function private.relink_moved_calls();

-- 3. What one call adds to each measure, in its org's terms (see the README's KPI definitions).
--    Without `set search_path` (it reads no table) so that the planner can inline it.
create function private.call_measures(direction text, status text, duration_ms bigint, to_answer_ms bigint,
                                      to_end_ms bigint, caller_number text, started_at timestamptz,
                                      callback_at timestamptz, sla_ms bigint, short_ms bigint)
  returns table (inbound int, outbound int, answered int, missed int, voicemail int, talk_ms bigint,
                 abandoned int, short_abandoned int, measured int, measured_short int, in_sla int,
                 answered_measured int, answer_wait_ms bigint, wait_ms bigint,
                 unanswered_with_number int, callbacks int, callbacks_within_1h int)
  language sql immutable
as $$
  select (direction = 'incoming')::int,
         (direction = 'outgoing')::int,
         ((status = 'connected') is true)::int,
         ((status in ('missed', 'dropped')) is true)::int,
         ((status = 'voicemail') is true)::int,
         case when status = 'connected' then coalesce(duration_ms, 0) else 0 end,
         (k.unanswered and not k.short)::int,
         (k.unanswered and k.short)::int,
         ((k.answered and to_answer_ms is not null) or (k.unanswered and to_end_ms is not null))::int,
         (k.unanswered and (to_end_ms <= short_ms) is true)::int,
         (k.answered and (to_answer_ms <= sla_ms) is true)::int,
         (k.answered and to_answer_ms is not null)::int,
         case when k.answered then coalesce(to_answer_ms, 0) else 0 end,
         case when k.answered then to_answer_ms when k.unanswered then to_end_ms end,
         (k.missed_call and caller_number is not null)::int,
         (k.missed_call and callback_at is not null)::int,
         (k.missed_call and (callback_at <= started_at + interval '1 hour') is true)::int
  from (select (direction = 'incoming' and status in ('missed', 'dropped')) is true as unanswered,
               (direction = 'incoming' and status = 'connected') is true as answered,
               (direction = 'incoming' and status in ('missed', 'dropped', 'voicemail')) is true as missed_call,
               (coalesce(to_end_ms, duration_ms) <= short_ms) is true as short) k
$$;
revoke all on function private.call_measures(text, text, bigint, bigint, bigint, text, timestamptz, timestamptz,
  bigint, bigint) from public;
grant execute on function private.call_measures(text, text, bigint, bigint, bigint, text, timestamptz, timestamptz,
  bigint, bigint) to authenticated, service_role;

-- The hour-of-week key of a local time: (ISO weekday − 1) × 24 + hour, as three digits.
create function private.hour_of_week(local timestamp) returns text
  language sql immutable
as $$
  select pg_catalog.lpad(((extract(isodow from local) - 1) * 24 + extract(hour from local))::int::text, 3, '0')
$$;
revoke all on function private.hour_of_week(timestamp) from public;
grant execute on function private.hour_of_week(timestamp) to authenticated, service_role;

-- 4. Rollups by the org's local day. V7 counted UTC days; a call centre reads its own days, and its
--    service level depends on its thresholds. Rows are kept in the org's terms (time zone, SLA and
--    short-abandon thresholds), so a report reads one row per day and group whatever the zone;
--    changing one of those settings rebuilds that org's rows in the same transaction (trigger
--    below), which serves any IANA zone, DST included (PostgreSQL's zone rules place each call).
--    Outcomes and directions are columns, not keys: a month of an org is a few hundred rows. (A
--    report filtered by direction or outcome reads the calls instead.)
--   grain 'day'    key ''                              → daily report, dashboard
--   grain 'hour'   key private.hour_of_week(local time) → hourly report
--   grain 'agent'  key agent_extension ('' none)       → agents report
--   grain 'number' key business_number ('' none)       → numbers report
--    and the last three again by local month ('hour_month', 'agent_month', 'number_month', `day`
--    the month's first day): a year of 40 agents is 480 rows instead of 14,600; a report sums the
--    whole months of its range from these and the days at either end from the others.
drop trigger calls_rollup_insert on public.calls;
drop trigger calls_rollup_update on public.calls;
drop trigger calls_rollup_delete on public.calls;
drop trigger calls_rollup_truncate on public.calls;
drop function private.apply_call_rollups();
-- private.clear_call_rollups() (TRUNCATE) stays as V7 wrote it.
drop table public.call_rollups;

create table public.call_rollups (
  -- Cascades with the org; the calls' delete trigger then finds no org and writes nothing.
  org_id                 uuid not null references public.organizations (id) on delete cascade,
  day                    date not null,
  grain                  text not null check (grain in ('day', 'hour', 'agent', 'number', 'hour_month',
                                                        'agent_month', 'number_month')),
  key                    text not null,
  calls                  bigint not null,
  inbound                bigint not null,
  outbound               bigint not null,
  answered               bigint not null,
  missed                 bigint not null,
  voicemail              bigint not null,
  talk_ms                bigint not null,
  abandoned              bigint not null,
  short_abandoned        bigint not null,
  measured               bigint not null,
  measured_short         bigint not null,
  in_sla                 bigint not null,
  answered_measured      bigint not null,
  answer_wait_ms         bigint not null,
  unanswered_with_number bigint not null,
  callbacks              bigint not null,
  callbacks_within_1h    bigint not null,
  -- A maximum cannot be taken back by a delta: a change that may lower it recomputes it (below).
  longest_wait_ms        bigint,
  primary key (org_id, grain, day, key)
);
create index call_rollups_empty_idx on public.call_rollups (org_id) where calls = 0;

-- The per-group deltas of a set of calls (`source`: their rows plus a `sign` column, +1 or −1), with
-- the longest wait among the added rows and among the removed ones. Text, so that the trigger runs
-- it itself: transition tables are only visible inside the trigger function.
create function private.call_rollup_deltas_sql(source text) returns text
  language sql immutable
  set search_path = ''
as $$
  select pg_catalog.format($sql$
    changed as (%s),
    deltas as (
      select c.org_id, g.day, g.grain, g.key,
             sum(c.sign) as calls, sum(c.sign * m.inbound) as inbound, sum(c.sign * m.outbound) as outbound,
             sum(c.sign * m.answered) as answered, sum(c.sign * m.missed) as missed,
             sum(c.sign * m.voicemail) as voicemail, sum(c.sign * m.talk_ms) as talk_ms,
             sum(c.sign * m.abandoned) as abandoned, sum(c.sign * m.short_abandoned) as short_abandoned,
             sum(c.sign * m.measured) as measured, sum(c.sign * m.measured_short) as measured_short,
             sum(c.sign * m.in_sla) as in_sla, sum(c.sign * m.answered_measured) as answered_measured,
             sum(c.sign * m.answer_wait_ms) as answer_wait_ms,
             sum(c.sign * m.unanswered_with_number) as unanswered_with_number,
             sum(c.sign * m.callbacks) as callbacks, sum(c.sign * m.callbacks_within_1h) as callbacks_within_1h,
             max(m.wait_ms) filter (where c.sign > 0) as longest_wait_ms,
             max(m.wait_ms) filter (where c.sign < 0) as removed_longest_ms
      from changed c
      join public.organizations o on o.id = c.org_id
      cross join lateral private.call_measures(c.direction, c.status, c.duration_ms, c.wait_to_answer_ms,
        c.wait_to_end_ms, c.caller_number, c.started_at, c.callback_at, o.sla_target_seconds * 1000::bigint,
        o.short_abandon_seconds * 1000::bigint) m
      cross join lateral (select c.started_at at time zone o.time_zone as local) l
      cross join lateral (select l.local::date as day, pg_catalog.date_trunc('month', l.local)::date as month,
                                 private.hour_of_week(l.local) as hour) t
      cross join lateral (values
        ('day', t.day, ''),
        ('hour', t.day, t.hour),
        ('agent', t.day, coalesce(c.agent_extension, '')),
        ('number', t.day, coalesce(c.business_number, '')),
        ('hour_month', t.month, t.hour),
        ('agent_month', t.month, coalesce(c.agent_extension, '')),
        ('number_month', t.month, coalesce(c.business_number, ''))) g (grain, day, key)
      group by 1, 2, 3, 4
    )$sql$, source)
$$;
revoke all on function private.call_rollup_deltas_sql(text) from public;
grant execute on function private.call_rollup_deltas_sql(text) to service_role;

-- Adds the deltas of `source` to the rollups.
create function private.call_rollup_sql(source text) returns text
  language sql immutable
  set search_path = ''
as $$
  select 'with ' || private.call_rollup_deltas_sql(source) || $sql$
    insert into public.call_rollups as r (org_id, day, grain, key, calls, inbound, outbound, answered, missed,
      voicemail, talk_ms, abandoned, short_abandoned, measured, measured_short, in_sla, answered_measured,
      answer_wait_ms, unanswered_with_number, callbacks, callbacks_within_1h, longest_wait_ms)
    select d.org_id, d.day, d.grain, d.key, d.calls, d.inbound, d.outbound, d.answered, d.missed, d.voicemail,
           d.talk_ms, d.abandoned, d.short_abandoned, d.measured, d.measured_short, d.in_sla,
           d.answered_measured, d.answer_wait_ms, d.unanswered_with_number, d.callbacks, d.callbacks_within_1h,
           d.longest_wait_ms
    from deltas d
    -- An update that changed nothing the rollups see nets out to zero: skip it.
    where (d.calls, d.inbound, d.outbound, d.answered, d.missed, d.voicemail, d.talk_ms, d.abandoned,
           d.short_abandoned, d.measured, d.measured_short, d.in_sla, d.answered_measured, d.answer_wait_ms,
           d.unanswered_with_number, d.callbacks, d.callbacks_within_1h)
          <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
       or d.longest_wait_ms is not null
    -- One lock order for every writer, so concurrent batches of the same org cannot deadlock.
    order by d.org_id, d.grain, d.day, d.key
    on conflict (org_id, grain, day, key) do update
      set calls = r.calls + excluded.calls, inbound = r.inbound + excluded.inbound,
          outbound = r.outbound + excluded.outbound, answered = r.answered + excluded.answered,
          missed = r.missed + excluded.missed, voicemail = r.voicemail + excluded.voicemail,
          talk_ms = r.talk_ms + excluded.talk_ms, abandoned = r.abandoned + excluded.abandoned,
          short_abandoned = r.short_abandoned + excluded.short_abandoned,
          measured = r.measured + excluded.measured, measured_short = r.measured_short + excluded.measured_short,
          in_sla = r.in_sla + excluded.in_sla, answered_measured = r.answered_measured + excluded.answered_measured,
          answer_wait_ms = r.answer_wait_ms + excluded.answer_wait_ms,
          unanswered_with_number = r.unanswered_with_number + excluded.unanswered_with_number,
          callbacks = r.callbacks + excluded.callbacks,
          callbacks_within_1h = r.callbacks_within_1h + excluded.callbacks_within_1h,
          longest_wait_ms = greatest(r.longest_wait_ms, excluded.longest_wait_ms)
  $sql$
$$;
revoke all on function private.call_rollup_sql(text) from public;
grant execute on function private.call_rollup_sql(text) to service_role;

-- After removals (updates, deletes): the groups where a removed wait was the longest get their
-- longest wait from the calls again.
create function private.call_rollup_longest_sql(source text) returns text
  language sql immutable
  set search_path = ''
as $$
  select 'with ' || private.call_rollup_deltas_sql(source) || $sql$
    update public.call_rollups r
    set longest_wait_ms = (
      select max(m.wait_ms)
      from public.calls c
      join public.organizations o on o.id = c.org_id
      cross join lateral private.call_measures(c.direction, c.status, c.duration_ms, c.wait_to_answer_ms,
        c.wait_to_end_ms, c.caller_number, c.started_at, c.callback_at, o.sla_target_seconds * 1000::bigint,
        o.short_abandon_seconds * 1000::bigint) m
      cross join lateral (select case when r.grain like '%\_month' then (r.day + interval '1 month')::date
                                      else r.day + 1 end as day_after) b
      where c.org_id = r.org_id
        -- Every zone is within a day of UTC: this bounds the index range, the next line decides.
        and c.started_at >= (r.day - 1)::timestamp at time zone 'UTC'
        and c.started_at < (b.day_after + 1)::timestamp at time zone 'UTC'
        and (c.started_at at time zone o.time_zone)::date >= r.day
        and (c.started_at at time zone o.time_zone)::date < b.day_after
        and case pg_catalog.split_part(r.grain, '_', 1)
              when 'day' then true
              when 'hour' then private.hour_of_week(c.started_at at time zone o.time_zone) = r.key
              when 'agent' then coalesce(c.agent_extension, '') = r.key
              else coalesce(c.business_number, '') = r.key end)
    from deltas d
    where (r.org_id, r.grain, r.day, r.key) = (d.org_id, d.grain, d.day, d.key)
      and d.removed_longest_ms >= r.longest_wait_ms
  $sql$
$$;
revoke all on function private.call_rollup_longest_sql(text) from public;
grant execute on function private.call_rollup_longest_sql(text) to service_role;

-- SECURITY INVOKER: only service_role writes calls, and it may write the rollups too.
create function private.apply_call_rollups() returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  source text := case tg_op
    when 'INSERT' then 'select n.*, 1 as sign from new_rows n'
    when 'DELETE' then 'select o.*, -1 as sign from old_rows o'
    else 'select n.*, 1 as sign from new_rows n union all select o.*, -1 from old_rows o'
  end;
  any_rows boolean;
begin
  -- Statement triggers fire for zero rows too (a link update that found nothing).
  execute pg_catalog.format('select exists (%s)', source) into any_rows;
  if not any_rows then
    return null;
  end if;
  -- The org's settings place the calls: hold them steady until this transaction ends, so that a
  -- concurrent settings change (which rebuilds the org's rows) sees these calls or waits for them.
  execute pg_catalog.format(
    'select 1 from public.organizations o where o.id in (select c.org_id from (%s) c) order by o.id for share',
    source);
  execute private.call_rollup_sql(source);
  if tg_op <> 'INSERT' then
    execute private.call_rollup_longest_sql(source);
  end if;
  delete from public.call_rollups where calls = 0;
  return null;
end
$$;
revoke all on function private.apply_call_rollups() from public;

-- A table's triggers for one event fire in name order, and 'count' sorts before 'link' and 'relink':
-- the rollups count a statement's rows before the link triggers update them. The other way round,
-- a link update of a call whose group has no row yet would make a row of zero calls, deleted at once,
-- and its callback would be lost when the insert then counts the call.
create trigger calls_count_rollup_insert after insert on public.calls
  referencing new table as new_rows
  for each statement execute function private.apply_call_rollups();
create trigger calls_count_rollup_update after update on public.calls
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.apply_call_rollups();
create trigger calls_count_rollup_delete after delete on public.calls
  referencing old table as old_rows
  for each statement execute function private.apply_call_rollups();
-- TRUNCATE fires no delete trigger; without this a reload would count every call twice.
create trigger calls_count_rollup_truncate after truncate on public.calls
  for each statement execute function private.clear_call_rollups();

-- A new zone or threshold re-places the org's calls. SECURITY DEFINER: an org admin changes the
-- settings (under RLS) but may not write rollups.
create function private.rebuild_call_rollups() returns trigger
  language plpgsql security definer
  set search_path = ''
as $$
begin
  delete from public.call_rollups where org_id = new.id;
  execute private.call_rollup_sql(
    pg_catalog.format('select c.*, 1 as sign from public.calls c where c.org_id = %L', new.id));
  return null;
end
$$;
revoke all on function private.rebuild_call_rollups() from public;
create trigger organizations_rebuild_rollups
  after update of time_zone, sla_target_seconds, short_abandon_seconds on public.organizations
  for each row
  when (old.time_zone is distinct from new.time_zone
        or old.sla_target_seconds is distinct from new.sla_target_seconds
        or old.short_abandon_seconds is distinct from new.short_abandon_seconds)
  execute function private.rebuild_call_rollups();

-- 5. Agent names, as MightyCall shows them on calls: whoever answered an incoming call, whoever
--    placed an outgoing one. The latest named call wins.
create table public.mightycall_agents (
  org_id     uuid not null references public.organizations (id) on delete cascade,
  extension  text not null check (char_length(extension) between 1 and 50),
  name       text check (char_length(name) <= 200),
  updated_at timestamptz not null default now(),
  primary key (org_id, extension)
);

create function private.apply_agent_names() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  execute pg_catalog.format($sql$
    insert into public.mightycall_agents as a (org_id, extension, name)
    select distinct on (s.org_id, s.extension) s.org_id, s.extension, s.name
    from (select n.org_id, n.agent_extension as extension, n.started_at,
                 pg_catalog.left(pg_catalog.btrim(case n.direction when 'outgoing' then n.caller_name
                                                                   else n.called_name end), 200) as name
          from new_rows n
          where n.agent_extension is not null and pg_catalog.char_length(n.agent_extension) between 1 and 50
            and %s) s
    order by s.org_id, s.extension, (s.name is null or s.name = ''), s.started_at desc
    on conflict (org_id, extension) do update set name = excluded.name, updated_at = now()
      where excluded.name <> '' and excluded.name is distinct from a.name
  $sql$,
  -- An update names agents only when it changed who or what the call names: a late webhook or a
  -- repeat link on an older call must not bring back an older name.
  case tg_op when 'INSERT' then 'true' else
    'exists (select 1 from old_rows o where o.id = n.id
               and (o.agent_extension, o.direction, o.caller_name, o.called_name)
                   is distinct from (n.agent_extension, n.direction, n.caller_name, n.called_name))' end);
  return null;
end
$$;
revoke all on function private.apply_agent_names() from public;
create trigger calls_agent_names_insert after insert on public.calls
  referencing new table as new_rows
  for each statement execute function private.apply_agent_names();
create trigger calls_agent_names_update after update on public.calls
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.apply_agent_names();

-- 6. Agent scoping. With `agents_see_own_calls_only`, an agent sees the calls, recordings and
--    voicemails of their own extension only — here as well as in the code, so that PostgREST and a
--    forgotten check hold the same line. Everyone else in the org sees the whole org.
--    The policy helpers are PL/pgSQL (these two, and V2's below): PostgreSQL 15 plans a SECURITY
--    DEFINER SQL function's query again in every statement that calls it (a few tenths of a
--    millisecond each, several per report), while PL/pgSQL keeps the plan for the session.
create function private.user_full_view_org_ids() returns setof uuid
  language plpgsql stable security definer
  set search_path = ''
as $$
begin
  return query
    select ou.org_id from public.org_users ou
    join public.organizations o on o.id = ou.org_id
    where ou.user_id = (select auth.uid()) and (ou.role <> 'agent' or not o.agents_see_own_calls_only);
end
$$;

-- (org, extension) for each org where the user is a scoped agent; none without an extension.
create function private.user_scoped_extensions() returns table (org_id uuid, extension text)
  language plpgsql stable security definer
  set search_path = ''
as $$
begin
  return query
    select ou.org_id, ou.mightycall_extension from public.org_users ou
    join public.organizations o on o.id = ou.org_id
    where ou.user_id = (select auth.uid()) and ou.role = 'agent' and o.agents_see_own_calls_only
      and ou.mightycall_extension is not null;
end
$$;

-- V2's helpers, the same queries in PL/pgSQL (owners, grants and policies unchanged).
create or replace function private.user_org_ids() returns setof uuid
  language plpgsql stable security definer
  set search_path = ''
as $$
begin
  return query select ou.org_id from public.org_users ou where ou.user_id = (select auth.uid());
end
$$;

create or replace function private.user_org_ids_with_role(roles text[]) returns setof uuid
  language plpgsql stable security definer
  set search_path = ''
as $$
begin
  return query
    select ou.org_id from public.org_users ou
    where ou.user_id = (select auth.uid()) and ou.role = any (roles);
end
$$;

create or replace function private.is_platform_admin() returns boolean
  language plpgsql stable security definer
  set search_path = ''
as $$
begin
  return exists (
    select 1 from public.profiles p
    where p.id = (select auth.uid()) and p.global_role = 'platform_admin');
end
$$;

create or replace function private.co_member_ids() returns setof uuid
  language plpgsql stable security definer
  set search_path = ''
as $$
begin
  return query
    select distinct other.user_id
    from public.org_users mine
    join public.org_users other on other.org_id = mine.org_id
    where mine.user_id = (select auth.uid());
end
$$;

do $$
begin
  if not exists (
    select 1 from pg_catalog.pg_roles where rolname = current_user and (rolsuper or rolbypassrls)
  ) then
    alter function private.user_full_view_org_ids() owner to service_role;
    alter function private.user_scoped_extensions() owner to service_role;
    alter function private.rebuild_call_rollups() owner to service_role;
  end if;
end
$$;
revoke all on function private.user_full_view_org_ids() from public;
revoke all on function private.user_scoped_extensions() from public;
grant execute on function private.user_full_view_org_ids() to authenticated, service_role;
grant execute on function private.user_scoped_extensions() to authenticated, service_role;

drop policy calls_select on public.calls;
create policy calls_select on public.calls for select to authenticated
  using (org_id in (select private.user_full_view_org_ids())
         or (org_id, agent_extension) in (select s.org_id, s.extension from private.user_scoped_extensions() s)
         or (select private.is_platform_admin()));
drop policy mightycall_recordings_select on public.mightycall_recordings;
create policy mightycall_recordings_select on public.mightycall_recordings for select to authenticated
  using (org_id in (select private.user_full_view_org_ids())
         or (org_id, agent_extension) in (select s.org_id, s.extension from private.user_scoped_extensions() s)
         or (select private.is_platform_admin()));
drop policy mightycall_voicemails_select on public.mightycall_voicemails;
create policy mightycall_voicemails_select on public.mightycall_voicemails for select to authenticated
  using (org_id in (select private.user_full_view_org_ids())
         or (org_id, assigned_to) in (select s.org_id, s.extension from private.user_scoped_extensions() s)
         or (select private.is_platform_admin()));

alter table public.call_rollups enable row level security;
alter table public.call_rollups force row level security;
-- A scoped agent's own figures are the agent rows of their extension; every other grain mixes agents.
create policy call_rollups_select on public.call_rollups for select to authenticated
  using (org_id in (select private.user_full_view_org_ids())
         or (grain in ('agent', 'agent_month')
             and (org_id, key) in (select s.org_id, s.extension from private.user_scoped_extensions() s))
         or (select private.is_platform_admin()));
revoke all on public.call_rollups from public, anon, authenticated;
grant select on public.call_rollups to authenticated;
grant all on public.call_rollups to service_role;

alter table public.mightycall_agents enable row level security;
alter table public.mightycall_agents force row level security;
create policy mightycall_agents_select on public.mightycall_agents for select to authenticated
  using (org_id in (select private.user_org_ids()) or (select private.is_platform_admin()));
revoke all on public.mightycall_agents from public, anon, authenticated;
grant select on public.mightycall_agents to authenticated;
grant all on public.mightycall_agents to service_role;

-- 7. Existing data: waits, repeat and callback links, rollups and agent names for calls synced before this migration (FORCE
--    lifted for these statements, as in V9, so that a migrating role without BYPASSRLS sees every row).
alter table public.calls no force row level security;
alter table public.webhook_events no force row level security;
alter table public.organizations no force row level security;
alter table public.call_rollups no force row level security;
alter table public.mightycall_agents no force row level security;
update public.calls c
set (wait_to_answer_ms, wait_to_end_ms) = (select t.to_answer_ms, t.to_end_ms
                                           from private.call_timeline(c.org_id, c.external_id) t)
where c.direction = 'incoming'
  and exists (select 1 from public.webhook_events e where e.org_id = c.org_id and e.call_id = c.external_id);
update public.calls c
set next_inbound_at = (select min(n.started_at) from public.calls n
                       where n.org_id = c.org_id and n.direction = 'incoming' and n.caller_number = c.caller_number
                         and n.started_at > c.started_at and n.started_at <= c.started_at + interval '24 hours'),
    callback_at = (select min(b.started_at) from public.calls b
                   where b.org_id = c.org_id and b.direction = 'outgoing' and b.called_number = c.caller_number
                     and b.started_at > c.started_at and b.started_at <= c.started_at + interval '7 days')
where c.direction = 'incoming' and c.caller_number is not null;
truncate public.call_rollups;
do $$
begin
  execute private.call_rollup_sql('select c.*, 1 as sign from public.calls c');
end
$$;
insert into public.mightycall_agents (org_id, extension, name)
select distinct on (c.org_id, c.agent_extension) c.org_id, c.agent_extension,
       pg_catalog.left(pg_catalog.btrim(case c.direction when 'outgoing' then c.caller_name else c.called_name end), 200)
from public.calls c
where c.agent_extension is not null and char_length(c.agent_extension) between 1 and 50
order by c.org_id, c.agent_extension,
         (coalesce(btrim(case c.direction when 'outgoing' then c.caller_name else c.called_name end), '') = ''),
         c.started_at desc
on conflict (org_id, extension) do nothing;
alter table public.calls force row level security;
alter table public.webhook_events force row level security;
alter table public.organizations force row level security;
alter table public.call_rollups force row level security;
alter table public.mightycall_agents force row level security;
