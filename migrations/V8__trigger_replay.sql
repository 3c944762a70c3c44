-- Signed `trigger` requests (x-signature: t=<unix>,v1=<hmac>) are valid for ±5 minutes; each
-- signature is remembered until it could no longer pass the time check, so a captured request
-- cannot be replayed inside that window. Only the SHA-256 of the signature is kept.
create table public.trigger_replay (
  signature_hash bytea primary key check (octet_length(signature_hash) = 32),
  expires_at     timestamptz not null
);
create index trigger_replay_expiry_idx on public.trigger_replay (expires_at);

-- Service bookkeeping only: no policies, so `authenticated` and `anon` see and write nothing.
alter table public.trigger_replay enable row level security;
alter table public.trigger_replay force row level security;
revoke all on public.trigger_replay from public, anon, authenticated;
grant select, insert, delete on public.trigger_replay to service_role;

-- Org admins set (never read) their org's MightyCall webhook token hash from their own RLS
-- transaction; the existing org_integrations update policy limits them to their orgs.
grant update (webhook_token_hash) on public.org_integrations to authenticated;
