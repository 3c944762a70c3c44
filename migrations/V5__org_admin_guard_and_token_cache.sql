-- An organisation must always keep at least one org admin. Enforced in the database so that two
-- concurrent demotions cannot both pass an application check: the org row is locked first, which
-- serialises every change to that org's admins.
create function private.ensure_org_keeps_an_admin() returns trigger
  language plpgsql security definer
  set search_path = ''
as $$
begin
  if old.role <> 'org_admin' or (tg_op = 'UPDATE' and new.role = 'org_admin') then
    return null;
  end if;
  -- The org itself is being deleted (cascade): nothing to keep.
  perform 1 from public.organizations o where o.id = old.org_id for update;
  if not found then
    return null;
  end if;
  if not exists (
    select 1 from public.org_users ou where ou.org_id = old.org_id and ou.role = 'org_admin'
  ) then
    raise exception 'an organisation must keep at least one org admin'
      using errcode = 'check_violation', constraint = 'org_keeps_an_admin';
  end if;
  return null;
end
$$;
revoke all on function private.ensure_org_keeps_an_admin() from public;

do $$
begin
  if not exists (
    select 1 from pg_catalog.pg_roles where rolname = current_user and (rolsuper or rolbypassrls)
  ) then
    alter function private.ensure_org_keeps_an_admin() owner to service_role;
  end if;
end
$$;

create trigger org_users_keep_an_admin
  after update of role or delete on public.org_users
  for each row execute function private.ensure_org_keeps_an_admin();

-- Saving an integration verifies the credentials with one token request; keeping that token saves
-- the first sync a request. Org admins may write the (encrypted) cache but still never read it.
grant insert (token_cache_ciphertext, token_expires_at) on public.org_integrations to authenticated;
grant update (token_cache_ciphertext, token_expires_at) on public.org_integrations to authenticated;
