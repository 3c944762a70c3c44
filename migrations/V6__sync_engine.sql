-- MightyCall allows 2,500 requests per api key per 24 h. Every request a sync spends is counted
-- here in the same transaction as the page it fetched, so the budget survives restarts and is
-- shared by concurrent jobs of the org.
create table public.mightycall_request_usage (
  org_id   uuid not null references public.organizations (id) on delete cascade,
  day      date not null,
  requests integer not null default 0 check (requests >= 0),
  primary key (org_id, day)
);

alter table public.mightycall_request_usage enable row level security;
alter table public.mightycall_request_usage force row level security;
create policy mightycall_request_usage_select on public.mightycall_request_usage for select to authenticated
  using (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()));
revoke all on public.mightycall_request_usage from public, anon, authenticated;
grant select on public.mightycall_request_usage to authenticated;
grant select, insert, update, delete on public.mightycall_request_usage to service_role;

-- The jobs list pages by (created_at, id) per org and can filter on status.
create index integration_sync_jobs_org_status_idx on public.integration_sync_jobs (org_id, status, created_at desc, id desc);
