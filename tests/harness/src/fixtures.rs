//! Two tenants with a row in every table, for tests that prove one org never reaches the other.

use serde_json::{Value, json};
use tokio_postgres::Client;
use uuid::Uuid;

/// Org A and org B, each with an org admin, a manager and an agent, plus a platform admin who
/// belongs to neither and a user who belongs to no org at all.
#[derive(Clone, Debug)]
pub struct Tenants {
    pub org_a: Uuid,
    pub org_b: Uuid,
    pub admin_a: Uuid,
    pub manager_a: Uuid,
    pub agent_a: Uuid,
    pub admin_b: Uuid,
    pub manager_b: Uuid,
    pub agent_b: Uuid,
    pub platform_admin: Uuid,
    pub outsider: Uuid,
}

/// The claims Supabase puts in an access token, as the RLS transaction receives them.
pub fn claims_for(user: Uuid) -> Value {
    json!({
        "sub": user.to_string(),
        "role": "authenticated",
        "aud": "authenticated",
        "email": format!("{user}@example.test"),
    })
}

impl Tenants {
    /// Seeds both orgs through the admin connection (bypassing RLS), one row in every table each.
    pub async fn seed(admin: &Client) -> Self {
        let t = Self {
            org_a: Uuid::new_v4(),
            org_b: Uuid::new_v4(),
            admin_a: Uuid::new_v4(),
            manager_a: Uuid::new_v4(),
            agent_a: Uuid::new_v4(),
            admin_b: Uuid::new_v4(),
            manager_b: Uuid::new_v4(),
            agent_b: Uuid::new_v4(),
            platform_admin: Uuid::new_v4(),
            outsider: Uuid::new_v4(),
        };
        for user in [
            t.admin_a,
            t.manager_a,
            t.agent_a,
            t.admin_b,
            t.manager_b,
            t.agent_b,
            t.outsider,
        ] {
            let email = format!("{user}@example.test");
            exec(
                admin,
                "insert into profiles (id, email) values ($1, $2)",
                &[&user, &email],
            )
            .await;
        }
        exec(
            admin,
            "insert into profiles (id, email, global_role) values ($1, 'root@example.test', 'platform_admin')",
            &[&t.platform_admin],
        )
        .await;
        for (org, name, members) in [
            (
                t.org_a,
                "Org A",
                [
                    (t.admin_a, "org_admin"),
                    (t.manager_a, "org_manager"),
                    (t.agent_a, "agent"),
                ],
            ),
            (
                t.org_b,
                "Org B",
                [
                    (t.admin_b, "org_admin"),
                    (t.manager_b, "org_manager"),
                    (t.agent_b, "agent"),
                ],
            ),
        ] {
            exec(
                admin,
                "insert into organizations (id, name) values ($1, $2)",
                &[&org, &name],
            )
            .await;
            for (user, role) in members {
                exec(
                    admin,
                    "insert into org_users (org_id, user_id, role) values ($1, $2, $3)",
                    &[&org, &user, &role],
                )
                .await;
            }
            seed_org_rows(admin, org).await;
        }
        t
    }
}

async fn seed_org_rows(admin: &Client, org: Uuid) {
    let statements = [
        "insert into org_invites (org_id, email, role, token_hash, expires_at)
           values ($1, 'new@example.test', 'agent', sha256(gen_random_uuid()::text::bytea), now() + interval '1 day')",
        "insert into org_integrations (org_id, provider, credentials_ciphertext, credentials_key_id, api_key_hint)
           values ($1, 'mightycall', 'v1.k1.bm9uY2U.Y2lwaGVy', 'k1', '1a2b')",
        "insert into integration_sync_jobs (org_id, resource, trigger) values ($1, 'calls', 'schedule')",
        "insert into sync_state (org_id, resource, watermark) values ($1, 'calls', now())",
        "insert into audit_log (org_id, actor_kind, action) values ($1, 'system', 'seed.created')",
        "insert into webhook_events (org_id, event_guid, event_type, payload)
           values ($1, gen_random_uuid()::text, 'IncomingCallCompleted', '{}')",
        "insert into phone_numbers (org_id, external_id, number) values ($1, gen_random_uuid()::text, '+12125550100')",
        "insert into calls (org_id, external_id, started_at, direction, status, duration_ms)
           values ($1, gen_random_uuid()::text, now(), 'incoming', 'connected', 23066)",
        "insert into mightycall_recordings (org_id, external_id, recorded_at, url)
           values ($1, gen_random_uuid()::text, now(), 'https://example.test/rec.mp3')",
        "insert into mightycall_voicemails (org_id, external_id, received_at) values ($1, gen_random_uuid()::text, now())",
        "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, body)
           values ($1, gen_random_uuid()::text, now(), 'inbound', 'hello')",
        "insert into mightycall_contacts (org_id, external_id, first_name) values ($1, gen_random_uuid()::text, 'Ada')",
    ];
    for sql in statements {
        exec(admin, sql, &[&org]).await;
    }
}

async fn exec(admin: &Client, sql: &str, params: &[&(dyn tokio_postgres::types::ToSql + Sync)]) {
    if let Err(e) = admin.execute(sql, params).await {
        let detail = e
            .as_db_error()
            .map(|d| d.message().to_owned())
            .unwrap_or_default();
        #[allow(clippy::panic)]
        {
            panic!("fixture statement failed: {e} {detail}\n{sql}")
        }
    }
}
