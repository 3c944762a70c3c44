use test_harness::TestDb;

#[tokio::test]
async fn migrations_apply_to_an_empty_database_and_rerun_as_a_no_op() {
    let db = TestDb::empty().await;
    let mut admin = db.admin().await;

    let first = store::run_migrations(&mut admin).await.unwrap();
    let versions: Vec<i32> = first.iter().map(|m| m.version).collect();
    assert_eq!(
        versions,
        (1..=versions.len() as i32).collect::<Vec<_>>(),
        "applied in order from V1"
    );
    assert!(
        first.len() >= 4,
        "expected every migration to apply, got {first:?}"
    );

    let second = store::run_migrations(&mut admin).await.unwrap();
    assert!(
        second.is_empty(),
        "a re-run must apply nothing, applied {second:?}"
    );

    let tables: i64 = admin
        .query_one(
            "select count(*) from pg_tables where schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 21);
}

#[tokio::test]
async fn migrations_tolerate_existing_supabase_roles_and_auth_functions() {
    let db = TestDb::empty().await;
    let mut admin = db.admin().await;
    // A Supabase project already has the auth schema and its own auth.uid(); ours must keep it.
    admin
        .batch_execute(
            "create schema auth;
             create function auth.uid() returns uuid language sql stable
               as $$ select '00000000-0000-0000-0000-0000000000aa'::uuid $$;",
        )
        .await
        .unwrap();
    store::run_migrations(&mut admin).await.unwrap();
    let uid: uuid::Uuid = admin
        .query_one("select auth.uid()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(uid.to_string(), "00000000-0000-0000-0000-0000000000aa");
}
