//! Rules checked on the system catalog, so a future migration that forgets one fails here.

use test_harness::TestDb;

async fn names(db: &TestDb, sql: &str) -> Vec<String> {
    db.admin()
        .await
        .query(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test]
async fn every_public_table_has_row_level_security_enabled_and_forced() {
    let db = TestDb::new().await;
    let missing = names(
        &db,
        "select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
           and not (c.relrowsecurity and c.relforcerowsecurity)",
    )
    .await;
    assert!(
        missing.is_empty(),
        "tables without enabled+forced RLS: {missing:?}"
    );
    let tables = names(
        &db,
        "select tablename::text from pg_tables where schemaname = 'public'",
    )
    .await;
    assert!(
        tables.len() >= 15,
        "the catalog query must see the tables: {tables:?}"
    );
}

#[tokio::test]
async fn no_policy_lets_authenticated_or_anon_through_unconditionally() {
    let db = TestDb::new().await;
    let open = names(
        &db,
        "select tablename || '.' || policyname from pg_policies
         where schemaname = 'public'
           and roles && array['authenticated', 'anon', 'public']::name[]
           and (btrim(coalesce(qual, ''), '() ') = 'true' or btrim(coalesce(with_check, ''), '() ') = 'true')",
    )
    .await;
    assert!(
        open.is_empty(),
        "policies that are `true` for authenticated/anon: {open:?}"
    );
    let anon_policies = names(
        &db,
        "select policyname::text from pg_policies where schemaname = 'public' and roles && array['anon', 'public']::name[]",
    )
    .await;
    assert!(
        anon_policies.is_empty(),
        "policies for anon/public: {anon_policies:?}"
    );
}

#[tokio::test]
async fn security_definer_functions_pin_their_search_path() {
    let db = TestDb::new().await;
    let unpinned = names(
        &db,
        "select n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef and n.nspname not in ('pg_catalog', 'information_schema')
           and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c where c like 'search_path=%')",
    )
    .await;
    assert!(
        unpinned.is_empty(),
        "SECURITY DEFINER functions without a fixed search_path: {unpinned:?}"
    );
    let definers = names(
        &db,
        "select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where p.prosecdef and n.nspname = 'private'",
    )
    .await;
    assert!(
        definers.len() >= 3,
        "the policy helpers are SECURITY DEFINER: {definers:?}"
    );
}

#[tokio::test]
async fn anon_has_no_privileges_and_private_helpers_are_not_public() {
    let db = TestDb::new().await;
    let anon = names(
        &db,
        "select table_name || ':' || privilege_type from information_schema.role_table_grants
         where grantee = 'anon' and table_schema = 'public'
         union all
         select table_name || '.' || column_name from information_schema.column_privileges
         where grantee = 'anon' and table_schema = 'public'",
    )
    .await;
    assert!(
        anon.is_empty(),
        "anon privileges on public tables: {anon:?}"
    );
    let executable = names(
        &db,
        "select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
         where n.nspname = 'private' and (has_function_privilege('anon', p.oid, 'execute')
           or has_function_privilege('public', p.oid, 'execute'))",
    )
    .await;
    assert!(
        executable.is_empty(),
        "private helpers executable by anon/public: {executable:?}"
    );
}

#[tokio::test]
async fn credentials_and_tokens_are_not_readable_by_authenticated() {
    let db = TestDb::new().await;
    let readable = names(
        &db,
        "select table_name || '.' || column_name from information_schema.column_privileges
         where grantee = 'authenticated' and privilege_type = 'SELECT'
           and column_name in ('credentials_ciphertext', 'token_cache_ciphertext', 'webhook_token_hash', 'token_hash', 'payload')",
    )
    .await;
    assert!(
        readable.is_empty(),
        "secret columns readable by authenticated: {readable:?}"
    );
}

/// PostgREST hands user tokens every write `authenticated` is granted, with only the policies in
/// between: these are the only ones (`profiles` only its display name; `integration_sync_jobs`
/// only the cancel columns, which its policy lets an org admin set to `cancelled` by themselves).
/// Integrations, platform bindings, new jobs, audit entries and new memberships are written by the
/// API, as `service_role`.
#[tokio::test]
async fn authenticated_writes_only_what_users_may_change_past_the_api() {
    let db = TestDb::new().await;
    let writable = names(
        &db,
        "select distinct table_name || ':' || privilege_type from information_schema.column_privileges
         where grantee = 'authenticated' and table_schema = 'public'
           and privilege_type in ('INSERT', 'UPDATE', 'DELETE')
         union
         select distinct table_name || ':' || privilege_type from information_schema.role_table_grants
         where grantee = 'authenticated' and table_schema = 'public'
           and privilege_type in ('INSERT', 'UPDATE', 'DELETE')
         order by 1",
    )
    .await;
    assert_eq!(
        writable,
        [
            "integration_sync_jobs:UPDATE",
            "org_invites:DELETE",
            "org_invites:INSERT",
            "org_users:DELETE",
            "org_users:UPDATE",
            "organizations:UPDATE",
            "profiles:UPDATE",
        ]
    );
}
