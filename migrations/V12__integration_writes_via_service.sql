-- As in V9: PostgREST serves `public` to the same tokens the API accepts, so grants and policies
-- must hold on their own. These writes now go through the API only, which checks the caller, runs
-- the one statement as service_role and writes the audit entry in the same transaction.

-- Through PostgREST an org admin could overwrite the sealed credentials with text no key opens
-- (`migrate reseal-credentials` then fails for every org), or change the schedule, the metadata or
-- the webhook token unaudited. Reading stays as it was: the column-limited select, no ciphertexts.
drop policy org_integrations_insert on public.org_integrations;
drop policy org_integrations_update on public.org_integrations;
drop policy org_integrations_delete on public.org_integrations;
-- Also revokes the column-level grants of V3, V5 and V8.
revoke insert, update, delete on public.org_integrations from authenticated;

-- A platform admin binds and unbinds through the API only: audited, and behind its MFA check.
drop policy platform_account_bindings_insert on public.platform_account_bindings;
drop policy platform_account_bindings_delete on public.platform_account_bindings;
revoke insert, update, delete on public.platform_account_bindings from authenticated;

-- A credential check spends a request of the api key's daily quota, and MightyCall puts the api key
-- in webhook payloads: checks are capped per key and UTC day whichever orgs ask, so orgs created to
-- try a known key with junk user keys cannot spend its owner's quota. Keyed by the key's hash.
create table public.mightycall_credential_checks (
  key_fingerprint text not null check (key_fingerprint ~ '^[0-9a-f]{64}$'),
  day             date not null,
  checks          integer not null default 0 check (checks >= 0),
  primary key (key_fingerprint, day)
);

alter table public.mightycall_credential_checks enable row level security;
alter table public.mightycall_credential_checks force row level security;
revoke all on public.mightycall_credential_checks from public, anon, authenticated;
grant select, insert, update, delete on public.mightycall_credential_checks to service_role;

-- Integration saves per user and window, beside the per-org count of V10: anyone can create orgs.
create table public.integration_save_attempts_by_user (
  user_id      uuid not null references public.profiles (id) on delete cascade,
  window_start timestamptz not null,
  attempts     integer not null default 0 check (attempts >= 0),
  primary key (user_id, window_start)
);

alter table public.integration_save_attempts_by_user enable row level security;
alter table public.integration_save_attempts_by_user force row level security;
revoke all on public.integration_save_attempts_by_user from public, anon, authenticated;
grant select, insert, update, delete on public.integration_save_attempts_by_user to service_role;
