-- Org settings: the terms a call centre reads its figures in. Written by org admins (the API after
-- its own checks, or PostgREST under the existing `organizations_update` policy); every value is
-- checked here as well, so a direct write cannot store what the API would refuse.

-- An IANA zone name the server knows. The API validates against the IANA database first; this is
-- the backstop for direct writes (and rejects POSIX offsets such as 'UTC+3', whose sign is inverted).
create function private.is_time_zone(tz text) returns boolean
  language plpgsql immutable
  set search_path = ''
as $$
begin
  if tz is null or pg_catalog.char_length(tz) > 64
     or tz !~ '^[A-Za-z][A-Za-z0-9_-]*(/[A-Za-z0-9_+-]+)*$' then
    return false;
  end if;
  perform pg_catalog.timezone(tz, timestamptz '2000-01-01 00:00+00');
  return true;
exception when invalid_parameter_value then
  return false;
end
$$;
revoke all on function private.is_time_zone(text) from public;
grant execute on function private.is_time_zone(text) to authenticated, service_role;

-- Opening hours as the API writes them: weekday keys, each at most 4 `{"start","end"}` ranges of
-- `HH:MM`, sorted, start before end, none overlapping another (touching is fine).
create function private.is_business_hours(hours jsonb) returns boolean
  language plpgsql immutable
  set search_path = ''
as $$
declare
  day text;
  ranges jsonb;
  r jsonb;
  previous_end text;
begin
  if hours is null then
    return true;
  end if;
  if pg_catalog.jsonb_typeof(hours) <> 'object' then
    return false;
  end if;
  for day, ranges in select e.key, e.value from pg_catalog.jsonb_each(hours) e loop
    if day not in ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')
       or pg_catalog.jsonb_typeof(ranges) <> 'array' or pg_catalog.jsonb_array_length(ranges) > 4 then
      return false;
    end if;
    previous_end := null;
    for r in select a.value from pg_catalog.jsonb_array_elements(ranges) with ordinality a order by a.ordinality loop
      if pg_catalog.jsonb_typeof(r) <> 'object'
         or (select count(*) from pg_catalog.jsonb_object_keys(r)) <> 2
         or coalesce(r ->> 'start', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
         or coalesce(r ->> 'end', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
         or (r ->> 'start') >= (r ->> 'end')
         or (r ->> 'start') < previous_end then
        return false;
      end if;
      previous_end := r ->> 'end';
    end loop;
  end loop;
  return true;
end
$$;
revoke all on function private.is_business_hours(jsonb) from public;
grant execute on function private.is_business_hours(jsonb) to authenticated, service_role;

alter table public.organizations
  add column time_zone text not null default 'UTC' check (private.is_time_zone(time_zone)),
  add column sla_target_percent smallint not null default 80 check (sla_target_percent between 1 and 100),
  add column sla_target_seconds integer not null default 20 check (sla_target_seconds between 1 and 3600),
  add column short_abandon_seconds integer not null default 5 check (short_abandon_seconds between 0 and 600),
  -- {"monday":[{"start":"09:00","end":"17:00"}],…}
  add column business_hours jsonb check (private.is_business_hours(business_hours)),
  add column agents_see_own_calls_only boolean not null default false;

grant update (time_zone, sla_target_percent, sla_target_seconds, short_abandon_seconds, business_hours,
  agents_see_own_calls_only) on public.organizations to authenticated;

-- An extension names one member per org (it decides whose calls an agent sees). Duplicates kept by
-- older rows lose the extension on all but the earliest membership (FORCE lifted for this statement,
-- as in V9, so that a migrating role without BYPASSRLS sees every row).
alter table public.org_users no force row level security;
update public.org_users u set mightycall_extension = null
where mightycall_extension is not null
  and exists (select 1 from public.org_users o
              where o.org_id = u.org_id and o.mightycall_extension = u.mightycall_extension
                and (o.created_at, o.id) < (u.created_at, u.id));
alter table public.org_users force row level security;
create unique index org_users_org_extension_idx on public.org_users (org_id, mightycall_extension)
  where mightycall_extension is not null;
