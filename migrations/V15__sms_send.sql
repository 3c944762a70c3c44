-- Sending an SMS (`POST /api/sms/send`) spends a request of the org's MightyCall quota and reaches
-- a customer's phone: sends are limited per org and minute. The count lives here so the limit holds
-- across Lambda instances; only the API writes it, as service_role (as in V10 and V12).
create table public.sms_send_attempts (
  org_id       uuid not null references public.organizations (id) on delete cascade,
  window_start timestamptz not null,
  attempts     integer not null default 0 check (attempts >= 0),
  primary key (org_id, window_start)
);

alter table public.sms_send_attempts enable row level security;
alter table public.sms_send_attempts force row level security;
revoke all on public.sms_send_attempts from public, anon, authenticated;
grant select, insert, update, delete on public.sms_send_attempts to service_role;

-- A sent message is stored at once, before MightyCall's journal lists it, by the API as
-- service_role after checking the caller may send for the org; `mightycall_sms_messages` stays
-- read-only to users (V4), so nobody can add messages that were never sent.
