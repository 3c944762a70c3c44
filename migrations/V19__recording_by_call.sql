-- A call's page finds its recording by the call's MightyCall id. Without this index that lookup
-- walked the org's recordings newest first until one matched, every recording of the org for a
-- call that has none.
create index mightycall_recordings_call_idx on public.mightycall_recordings (org_id, call_external_id)
  where call_external_id is not null;
