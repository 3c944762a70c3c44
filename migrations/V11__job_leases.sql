-- Job leases: a run owns its job only while its lease is live. The claim stamps an owner and an
-- expiry, every saved page renews it, and every write of the run is fenced on the owner, so a run
-- that was killed (or a duplicate event) can neither block the (org, resource) forever nor write
-- twice. A queued job's expiry is its dispatch grace: past it, the next trigger or scheduled tick
-- dispatches it again (an event lost to the dead-letter queue).
alter table public.integration_sync_jobs
  add column lease_owner      uuid,
  add column lease_expires_at timestamptz not null default now() + interval '5 minutes',
  add column cancelled_by     uuid references public.profiles (id) on delete set null;

-- `cancelled` is a final status, set by an org admin; the run stops at its next page boundary.
alter table public.integration_sync_jobs drop constraint integration_sync_jobs_status_check;
alter table public.integration_sync_jobs add constraint integration_sync_jobs_status_check
  check (status in ('queued', 'running', 'succeeded', 'failed', 'partial', 'cancelled'));
alter table public.integration_sync_jobs drop constraint integration_sync_jobs_check1;
alter table public.integration_sync_jobs add constraint integration_sync_jobs_finished_check
  check ((status in ('succeeded', 'failed', 'partial', 'cancelled')) = (finished_at is not null));
alter table public.integration_sync_jobs add constraint integration_sync_jobs_lease_check
  check (lease_owner is null or status = 'running');

-- The scheduled tick looks for active jobs whose lease ran out.
create index integration_sync_jobs_lease_idx on public.integration_sync_jobs (lease_expires_at)
  where status in ('queued', 'running');

-- Org admins (and platform admins) may cancel their org's active jobs, and nothing else: RLS
-- checks the role again even if the code forgot, and the column grant limits what can change.
create policy integration_sync_jobs_cancel on public.integration_sync_jobs for update to authenticated
  using (
    status in ('queued', 'running')
    and (org_id in (select private.user_org_ids_with_role(array['org_admin'])) or (select private.is_platform_admin()))
  )
  with check (status = 'cancelled' and cancelled_by = (select auth.uid()) and lease_owner is null);
grant update (status, lease_owner, cancelled_by, error_code, error_message, finished_at)
  on public.integration_sync_jobs to authenticated;
