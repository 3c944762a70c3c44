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
    assert_eq!(tables, 28);
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

/// The SQL of migration `V{version}__…`, read from `migrations/`.
fn migration_sql(version: u32) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let prefix = format!("V{version}__");
    let entry = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .unwrap_or_else(|| panic!("no migration {prefix}"));
    std::fs::read_to_string(entry).unwrap()
}

#[tokio::test]
async fn v9_cleans_display_names_already_stored() {
    let db = TestDb::empty().await;
    let admin = db.admin().await;
    for version in 1..=8 {
        admin.batch_execute(&migration_sql(version)).await.unwrap();
    }
    let names = [
        "  Ada   Lovelace ",
        "Org Admin",
        "Grace Hopper",
        "Bob\u{200B}",
    ];
    let mut ids = Vec::new();
    for name in names {
        let id = uuid::Uuid::new_v4();
        admin
            .execute(
                "insert into profiles (id, full_name) values ($1, $2)",
                &[&id, &name],
            )
            .await
            .unwrap();
        ids.push(id);
    }
    admin.batch_execute(&migration_sql(9)).await.unwrap();
    let mut stored = Vec::new();
    for id in &ids {
        let name: Option<String> = admin
            .query_one("select full_name from profiles where id = $1", &[id])
            .await
            .unwrap()
            .get(0);
        stored.push(name);
    }
    assert_eq!(
        stored,
        [
            Some("Ada Lovelace".to_owned()),
            None,
            Some("Grace Hopper".to_owned()),
            None
        ]
    );
    let forced: bool = admin
        .query_one(
            "select relforcerowsecurity from pg_class where oid = 'public.profiles'::regclass",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(forced, "RLS is forced on profiles again");
}
