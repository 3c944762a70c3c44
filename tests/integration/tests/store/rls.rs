//! Row Level Security on its own, without any application check: statements run through the same
//! transaction helper the functions use, as the non-superuser application role.

use domain::{OrgId, UserId};
use serde_json::json;
use store::audit::{self, Actor, AuditEvent};
use store::{Db, StoreError};
use test_harness::TestDb;
use test_harness::fixtures::{Tenants, claims_for};
use uuid::Uuid;

/// Every org-scoped table, its org column, an update that changes nothing but a granted column,
/// and an insert of a new row for org `$1` by user `$2`.
struct Table {
    name: &'static str,
    org: &'static str,
    update: &'static str,
    insert: &'static str,
}

const TABLES: &[Table] = &[
    Table {
        name: "organizations",
        org: "id",
        update: "name = name",
        insert: "insert into organizations (name) select 'x' where $1::uuid is not null and $2::uuid is not null",
    },
    Table {
        name: "org_users",
        org: "org_id",
        update: "role = role",
        insert: "insert into org_users (org_id, user_id, role) values ($1, $2, 'org_admin')",
    },
    Table {
        name: "org_invites",
        org: "org_id",
        update: "role = role",
        insert: "insert into org_invites (org_id, email, role, token_hash, invited_by, expires_at) values ($1, 'x@example.test', 'org_admin', sha256(gen_random_uuid()::text::bytea), $2, now() + interval '1 day')",
    },
    Table {
        name: "org_integrations",
        org: "org_id",
        update: "enabled = enabled",
        insert: "insert into org_integrations (org_id, provider, credentials_ciphertext, credentials_key_id, created_by) values ($1, 'mightycall', 'x', 'k1', $2)",
    },
    Table {
        name: "integration_sync_jobs",
        org: "org_id",
        update: "status = status",
        insert: "insert into integration_sync_jobs (org_id, resource, trigger, requested_by) values ($1, 'sms', 'user', $2)",
    },
    Table {
        name: "sync_state",
        org: "org_id",
        update: "watermark = watermark",
        insert: "insert into sync_state (org_id, resource) select $1, 'sms' where $2::uuid is not null",
    },
    Table {
        name: "audit_log",
        org: "org_id",
        update: "action = action",
        insert: "insert into audit_log (org_id, actor_kind, actor_user_id, action) values ($1, 'user', $2, 'test.insert')",
    },
    Table {
        name: "webhook_events",
        org: "org_id",
        update: "event_type = event_type",
        insert: "insert into webhook_events (org_id, event_guid, event_type, payload) select $1, gen_random_uuid()::text, 'x', '{}' where $2::uuid is not null",
    },
    Table {
        name: "phone_numbers",
        org: "org_id",
        update: "label = label",
        insert: "insert into phone_numbers (org_id, external_id, number) select $1, gen_random_uuid()::text, '+1' where $2::uuid is not null",
    },
    Table {
        name: "calls",
        org: "org_id",
        update: "status = status",
        insert: "insert into calls (org_id, external_id, started_at, direction) select $1, gen_random_uuid()::text, now(), 'incoming' where $2::uuid is not null",
    },
    Table {
        name: "mightycall_recordings",
        org: "org_id",
        update: "url = url",
        insert: "insert into mightycall_recordings (org_id, external_id, recorded_at, url) select $1, gen_random_uuid()::text, now(), 'u' where $2::uuid is not null",
    },
    Table {
        name: "mightycall_voicemails",
        org: "org_id",
        update: "status = status",
        insert: "insert into mightycall_voicemails (org_id, external_id, received_at) select $1, gen_random_uuid()::text, now() where $2::uuid is not null",
    },
    Table {
        name: "mightycall_sms_messages",
        org: "org_id",
        update: "body = body",
        insert: "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction) select $1, gen_random_uuid()::text, now(), 'inbound' where $2::uuid is not null",
    },
    Table {
        name: "mightycall_contacts",
        org: "org_id",
        update: "first_name = first_name",
        insert: "insert into mightycall_contacts (org_id, external_id) select $1, gen_random_uuid()::text where $2::uuid is not null",
    },
];

/// Tables only org admins of the org (or platform admins) may read.
const ADMIN_ONLY: &[&str] = &[
    "org_invites",
    "org_integrations",
    "audit_log",
    "webhook_events",
];

async fn setup() -> (TestDb, Db, Tenants) {
    let test_db = TestDb::new().await;
    let tenants = Tenants::seed(&test_db.admin().await).await;
    let db = test_db.store();
    (test_db, db, tenants)
}

/// Rows of `table` visible to `user`, split into (org A, org B).
async fn visible(db: &Db, user: Uuid, t: &Table, tenants: &Tenants) -> (i64, i64) {
    let tx = db.as_user(&claims_for(user)).await.unwrap();
    let sql = format!(
        "select count(*) filter (where {org} = $1), count(*) filter (where {org} = $2) from {name}",
        org = t.org,
        name = t.name
    );
    let row = tx
        .client()
        .query_one(&sql, &[&tenants.org_a, &tenants.org_b])
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

/// Runs one statement as `user` in its own transaction (rolled back) and returns rows affected.
async fn run_as(
    db: &Db,
    user: Uuid,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> Result<u64, StoreError> {
    let tx = db.as_user(&claims_for(user)).await?;
    Ok(tx.client().execute(sql, params).await?)
}

#[tokio::test]
async fn members_of_org_a_read_none_of_org_b() {
    let (_keep, db, t) = setup().await;
    for table in TABLES {
        for user in [t.admin_a, t.manager_a, t.agent_a] {
            let (a, b) = visible(&db, user, table, &t).await;
            assert_eq!(b, 0, "{}: a member of A sees {b} rows of B", table.name);
            let admin_only = ADMIN_ONLY.contains(&table.name);
            if user == t.admin_a || !admin_only {
                assert!(
                    a > 0,
                    "{}: a member of A must see A's rows (positive control)",
                    table.name
                );
            } else {
                assert_eq!(a, 0, "{}: only org admins may read it", table.name);
            }
        }
    }
}

#[tokio::test]
async fn org_admin_of_a_cannot_update_or_delete_org_b_rows() {
    let (test_db, db, t) = setup().await;
    let before = snapshot(&test_db, t.org_b).await;
    for table in TABLES {
        let update = format!(
            "update {} set {} where {} = $1",
            table.name, table.update, table.org
        );
        let delete = format!("delete from {} where {} = $1", table.name, table.org);
        for sql in [&update, &delete] {
            let result = run_as(&db, t.admin_a, sql, &[&t.org_b]).await;
            assert!(
                matches!(result, Ok(0) | Err(StoreError::Denied)),
                "{sql}: expected 0 rows or a denial, got {result:?}"
            );
        }
    }
    // Positive control: the same kind of statement reaches A's own rows where writes are allowed.
    for name in ["organizations", "org_users"] {
        let table = TABLES.iter().find(|t| t.name == name).unwrap();
        let sql = format!(
            "update {} set {} where {} = $1",
            table.name, table.update, table.org
        );
        let n = run_as(&db, t.admin_a, &sql, &[&t.org_a]).await.unwrap();
        assert!(n > 0, "{name}: an org admin updates their own org's rows");
    }
    let renamed = run_as(
        &db,
        t.admin_a,
        "update organizations set name = 'A2' where id = $1",
        &[&t.org_a],
    )
    .await;
    assert_eq!(
        renamed.unwrap(),
        1,
        "an org admin renames their own org (positive control)"
    );
    assert_eq!(
        snapshot(&test_db, t.org_b).await,
        before,
        "org B's rows changed"
    );
}

#[tokio::test]
async fn members_of_org_a_cannot_insert_rows_into_org_b() {
    let (test_db, db, t) = setup().await;
    let before = snapshot(&test_db, t.org_b).await;
    for table in TABLES {
        let result = run_as(&db, t.admin_a, table.insert, &[&t.org_b, &t.admin_a]).await;
        assert!(
            matches!(result, Err(StoreError::Denied)),
            "{}: inserting into org B must be denied, got {result:?}",
            table.name
        );
    }
    // Positive control: the same SQL inserts an invite into the admin's own org.
    let table = TABLES.iter().find(|t| t.name == "org_invites").unwrap();
    let result = run_as(&db, t.admin_a, table.insert, &[&t.org_a, &t.admin_a]).await;
    assert_eq!(result.unwrap(), 1, "an org admin invites in their own org");
    assert_eq!(
        snapshot(&test_db, t.org_b).await,
        before,
        "org B's rows changed"
    );
}

#[tokio::test]
async fn without_claims_nothing_is_visible() {
    let (_keep, db, t) = setup().await;
    for table in TABLES.iter().map(|t| t.name).chain(["profiles"]) {
        let tx = db.as_user(&json!({})).await.unwrap();
        let n: i64 = tx
            .client()
            .query_one(&format!("select count(*) from {table}"), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{table}: rows visible without claims");
    }
    let insert = run_as(&db, Uuid::nil(), "insert into audit_log (org_id, actor_kind, actor_user_id, action) values ($1, 'user', $2, 'x')", &[&t.org_a, &t.admin_a]).await;
    assert!(matches!(insert, Err(StoreError::Denied)), "{insert:?}");
}

#[tokio::test]
async fn service_role_and_platform_admins_see_every_org() {
    let (_keep, db, t) = setup().await;
    for table in TABLES {
        let (a, b) = visible(&db, t.platform_admin, table, &t).await;
        assert!(
            a > 0 && b > 0,
            "{}: platform admin sees both orgs",
            table.name
        );
        let tx = db.as_service().await.unwrap();
        let sql = format!("select count(distinct {}) from {}", table.org, table.name);
        let orgs: i64 = tx.client().query_one(&sql, &[]).await.unwrap().get(0);
        assert_eq!(orgs, 2, "{}: service_role sees both orgs", table.name);
    }
}

#[tokio::test]
async fn users_cannot_grant_themselves_roles() {
    let (_keep, db, t) = setup().await;
    let escalate = run_as(
        &db,
        t.agent_a,
        "update profiles set global_role = 'platform_admin' where id = $1",
        &[&t.agent_a],
    )
    .await;
    assert!(matches!(escalate, Err(StoreError::Denied)), "{escalate:?}");
    let promote = run_as(
        &db,
        t.agent_a,
        "update org_users set role = 'org_admin' where user_id = $1",
        &[&t.agent_a],
    )
    .await;
    assert_eq!(promote.unwrap(), 0, "an agent cannot promote themselves");
    let newcomer = Uuid::new_v4();
    let forged = run_as(&db, newcomer, "insert into profiles (id, email, global_role) values ($1, 'x@example.test', 'platform_admin')", &[&newcomer]).await;
    assert!(matches!(forged, Err(StoreError::Denied)), "{forged:?}");
    let other = run_as(
        &db,
        newcomer,
        "insert into profiles (id, email) values ($1, 'y@example.test')",
        &[&Uuid::new_v4()],
    )
    .await;
    assert!(matches!(other, Err(StoreError::Denied)), "{other:?}");
}

/// Through PostgREST a member's token reaches these tables with no API in between: queuing a job
/// that is never dispatched, forging audit entries, or adding someone to an org must all be refused
/// by the database itself, even in the member's own org and even for admins.
#[tokio::test]
async fn members_cannot_write_jobs_audit_entries_or_memberships_even_in_their_own_org() {
    let (test_db, db, t) = setup().await;
    let before = snapshot(&test_db, t.org_a).await;
    // $1 the member's org, $2 the member, $3 a user in no org.
    let statements = [
        (
            "a job",
            "insert into integration_sync_jobs (org_id, resource, trigger, requested_by, window_start, window_end)
             select $1, 'sms', 'user', $2, '1950-01-01', '2050-01-01' where $3::uuid is not null",
        ),
        (
            "an audit entry",
            "insert into audit_log (org_id, actor_kind, actor_user_id, action)
             select $1, 'user', $2, 'member.removed' where $3::uuid is not null",
        ),
        (
            "a membership for someone else",
            "insert into org_users (org_id, user_id, role) select $1, $3, 'agent' where $2::uuid is not null",
        ),
    ];
    for user in [t.admin_a, t.manager_a, t.agent_a, t.platform_admin] {
        for (what, sql) in statements {
            let result = run_as(&db, user, sql, &[&t.org_a, &user, &t.outsider]).await;
            assert!(
                matches!(result, Err(StoreError::Denied)),
                "{what} by {user}: expected a denial, got {result:?}"
            );
        }
    }
    assert_eq!(snapshot(&test_db, t.org_a).await, before, "org A changed");
}

/// Through PostgREST an org admin could seal junk into their integration (key rotation then fails
/// for every org) or change it unaudited: the database refuses, even in the admin's own org.
#[tokio::test]
async fn admins_cannot_write_integrations_past_the_api() {
    let (test_db, db, t) = setup().await;
    let before = snapshot(&test_db, t.org_a).await;
    // $1 the admin's own org, $2 the admin.
    let statements = [
        "update org_integrations set credentials_ciphertext = 'x' where org_id = $1 and $2::uuid is not null",
        "update org_integrations set enabled = false, sync_interval_minutes = 15 where org_id = $1 and $2::uuid is not null",
        "update org_integrations set token_cache_ciphertext = 'x', token_expires_at = now() where org_id = $1 and $2::uuid is not null",
        "update org_integrations set webhook_token_hash = sha256('x') where org_id = $1 and $2::uuid is not null",
        "delete from org_integrations where org_id = $1 and $2::uuid is not null",
        "insert into org_integrations (org_id, provider, credentials_ciphertext, credentials_key_id, created_by)
         values ($1, 'mightycall', 'x', 'k1', $2) on conflict (org_id, provider) do nothing",
    ];
    for user in [t.admin_a, t.platform_admin] {
        for sql in statements {
            let result = run_as(&db, user, sql, &[&t.org_a, &user]).await;
            assert!(
                matches!(result, Err(StoreError::Denied)),
                "{sql} by {user}: expected a denial, got {result:?}"
            );
        }
    }
    assert_eq!(snapshot(&test_db, t.org_a).await, before, "org A changed");
}

/// A platform admin binds an org to the platform's MightyCall account through the API only, where
/// it is audited and behind the MFA check.
#[tokio::test]
async fn platform_admins_cannot_bind_or_unbind_past_the_api() {
    let (test_db, db, t) = setup().await;
    let admin = test_db.admin().await;
    admin
        .execute(
            "insert into platform_account_bindings (org_id, bound_by) values ($1, $2)",
            &[&t.org_b, &t.platform_admin],
        )
        .await
        .unwrap();
    let bind = run_as(
        &db,
        t.platform_admin,
        "insert into platform_account_bindings (org_id, bound_by) values ($1, $2)",
        &[&t.org_a, &t.platform_admin],
    )
    .await;
    assert!(matches!(bind, Err(StoreError::Denied)), "bind: {bind:?}");
    let unbind = run_as(
        &db,
        t.platform_admin,
        "delete from platform_account_bindings where org_id = $1",
        &[&t.org_b],
    )
    .await;
    assert!(
        matches!(unbind, Err(StoreError::Denied)),
        "unbind: {unbind:?}"
    );
    let bound: Vec<Uuid> = admin
        .query("select org_id from platform_account_bindings", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(bound, [t.org_b], "bindings changed");
}

/// The API writes its audit entry in the user's own transaction, as `service_role` for that one
/// statement: everything after it is under the user's RLS again, and it commits with the change.
#[tokio::test]
async fn an_audit_entry_in_a_user_transaction_leaves_rls_in_force() {
    let (test_db, db, t) = setup().await;
    let tx = db.as_user(&claims_for(t.agent_a)).await.unwrap();
    let entry = |action| AuditEvent {
        org: Some(OrgId::new(t.org_a)),
        actor: Actor::User(UserId::new(t.agent_a)),
        action,
        target: None,
        details: json!({}),
        request_id: None,
    };
    audit::record(&tx, &entry("test.recorded")).await.unwrap();
    let role: String = tx
        .client()
        .query_one("select current_setting('role')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(role, "authenticated");
    let seen: i64 = tx
        .client()
        .query_one(
            "select count(*) from organizations where id = $1",
            &[&t.org_b],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(seen, 0, "org B became visible after the audit insert");
    let forged = tx
        .client()
        .execute(
            "insert into audit_log (org_id, actor_kind, actor_user_id, action) values ($1, 'user', $2, 'x')",
            &[&t.org_a, &t.agent_a],
        )
        .await;
    assert!(forged.is_err(), "the user's own insert is still refused");
    drop(tx);

    let tx = db.as_user(&claims_for(t.agent_a)).await.unwrap();
    audit::record(&tx, &entry("test.committed")).await.unwrap();
    tx.commit().await.unwrap();
    let actions: Vec<String> = test_db
        .admin()
        .await
        .query(
            "select action from audit_log where actor_user_id = $1 order by id",
            &[&t.agent_a],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        actions,
        ["test.committed"],
        "only the committed transaction's entry is kept"
    );
}

/// A profile's email is the verified token's, written by the API only; the name is the user's,
/// within the display-name rule.
#[tokio::test]
async fn users_keep_their_verified_email_and_can_only_set_a_clean_name() {
    let (_keep, db, t) = setup().await;
    let newcomer = Uuid::new_v4();
    let own = run_as(
        &db,
        newcomer,
        "insert into profiles (id, email) values ($1, $2)",
        &[&newcomer, &format!("{newcomer}@example.test")],
    )
    .await;
    assert!(matches!(own, Err(StoreError::Denied)), "{own:?}");
    let email = run_as(
        &db,
        t.agent_a,
        "update profiles set email = 'boss@example.test' where id = $1",
        &[&t.agent_a],
    )
    .await;
    assert!(matches!(email, Err(StoreError::Denied)), "{email:?}");
    for name in [
        "Org Admin",
        "org_admin",
        "  ADMIN ",
        "Platform-Admin",
        "Ada\u{202E}ecalevoL",
        "Ada\u{200B}",
        "Ada\nLovelace",
        "",
        "   ",
    ] {
        let result = run_as(
            &db,
            t.agent_a,
            "update profiles set full_name = $2 where id = $1",
            &[&t.agent_a, &name],
        )
        .await;
        assert!(
            matches!(&result, Err(StoreError::Invalid(c)) if c == "profiles_full_name_clean"),
            "{name:?}: expected the name rule to refuse it, got {result:?}"
        );
    }
    let others = run_as(
        &db,
        t.agent_a,
        "update profiles set full_name = 'Ada Lovelace' where id = $1",
        &[&t.admin_a],
    )
    .await;
    assert_eq!(others.unwrap(), 0, "someone else's profile is not theirs");
    let mine = run_as(
        &db,
        t.agent_a,
        "update profiles set full_name = 'Ada Lovelace' where id = $1",
        &[&t.agent_a],
    )
    .await;
    assert_eq!(
        mine.unwrap(),
        1,
        "a user renames themselves (positive control)"
    );
}

#[tokio::test]
async fn profiles_are_visible_to_co_members_only() {
    let (_keep, db, t) = setup().await;
    let tx = db.as_user(&claims_for(t.agent_a)).await.unwrap();
    let ids: Vec<Uuid> = tx
        .client()
        .query("select id from profiles", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut expected = vec![t.admin_a, t.manager_a, t.agent_a];
    let mut seen = ids.clone();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);
    let tx = db.as_user(&claims_for(t.outsider)).await.unwrap();
    let ids: Vec<Uuid> = tx
        .client()
        .query("select id from profiles", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        ids,
        vec![t.outsider],
        "a user in no org sees only themselves"
    );
}

#[tokio::test]
async fn claims_do_not_outlive_their_transaction_on_a_pooled_connection() {
    let test_db = TestDb::new().await;
    let t = Tenants::seed(&test_db.admin().await).await;
    let mut config = test_db.store_config();
    config.pool_size = 1;
    let db = Db::connect(&config).unwrap();
    let tx = db.as_user(&claims_for(t.admin_a)).await.unwrap();
    tx.client().execute("select 1", &[]).await.unwrap();
    tx.commit().await.unwrap();
    let dropped = db.as_user(&claims_for(t.admin_b)).await.unwrap();
    drop(dropped);
    let tx = db.as_user(&json!({})).await.unwrap();
    let n: i64 = tx
        .client()
        .query_one("select count(*) from organizations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        n, 0,
        "the previous transactions' claims leaked into this one"
    );
}

/// Everything org B owns, as text, read past RLS.
async fn snapshot(test_db: &TestDb, org: Uuid) -> Vec<String> {
    let admin = test_db.admin().await;
    let mut out = Vec::new();
    for table in TABLES {
        let sql = format!(
            "select t::text from {} t where {} = $1 order by 1",
            table.name, table.org
        );
        for row in admin.query(&sql, &[&org]).await.unwrap() {
            out.push(row.get(0));
        }
    }
    out
}
