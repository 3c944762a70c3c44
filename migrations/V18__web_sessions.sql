-- The dashboard's sign-ins. The session cookie is sealed and carries the user's Supabase tokens;
-- this row is what sign-out ends, so a copy of the cookie is worthless afterwards even while its
-- access token has not expired. Only the service role reads or writes it (never PostgREST users).
create table public.web_sessions (
  id           uuid primary key default gen_random_uuid(),
  -- No foreign key: a user can sign in before their profile exists (onboarding creates it).
  user_id      uuid not null,
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  ended_at     timestamptz
);
create index web_sessions_user_idx on public.web_sessions (user_id) where ended_at is null;

alter table public.web_sessions enable row level security;
alter table public.web_sessions force row level security;
revoke all on public.web_sessions from public, anon, authenticated;
-- service_role bypasses RLS (V1); no policy lets anyone else in.
grant select, insert, update on public.web_sessions to service_role;
