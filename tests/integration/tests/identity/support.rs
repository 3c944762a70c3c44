use axum::Router;
use axum::http::Method;
use mightycall_fake::{FakeConfig, FakeHandle, FakeMightyCall};
use serde_json::{Value, json};
use test_harness::TestDb;
use test_harness::fixtures::Tenants;
use test_harness::http::{Reply, call};
use test_harness::identity;
use uuid::Uuid;

/// Everything a test needs: a seeded database, both routers and the fake MightyCall.
pub struct World {
    pub db: TestDb,
    pub t: Tenants,
    pub user: Router,
    pub admin: Router,
    pub fake: FakeHandle,
    pub core: web::Core,
    pub deps: startup::Deps,
}

impl World {
    pub async fn new() -> Self {
        Self::with_mfa(false).await
    }

    pub async fn with_mfa(require_mfa_for_admin: bool) -> Self {
        let db = TestDb::new().await;
        let t = Tenants::seed(&db.admin().await).await;
        let deps = identity::deps(&db, json!({})).await;
        let core = web::Core::build(identity::core_config(), deps.clone())
            .await
            .unwrap();
        let fake = FakeMightyCall::start(FakeConfig::default()).await.unwrap();
        let admin = admin_router(
            &deps,
            Some(fake.base_url().to_string()),
            require_mfa_for_admin,
            sync_engine::SyncSettings::default().daily_budget,
        )
        .await;
        let user = user::routes::router(core.clone());
        Self {
            db,
            t,
            user,
            admin,
            fake,
            core,
            deps,
        }
    }

    pub fn token(&self, user: Uuid) -> String {
        identity::token(user, &format!("{user}@example.test"))
    }

    pub async fn user_call(
        &self,
        method: Method,
        path: &str,
        as_user: Uuid,
        body: Option<Value>,
    ) -> Reply {
        call(
            &self.user,
            method,
            path,
            Some(&self.token(as_user)),
            body.as_ref(),
        )
        .await
    }

    pub async fn admin_call(
        &self,
        method: Method,
        path: &str,
        as_user: Uuid,
        body: Option<Value>,
    ) -> Reply {
        call(
            &self.admin,
            method,
            path,
            Some(&self.token(as_user)),
            body.as_ref(),
        )
        .await
    }

    /// A fake MightyCall account's credentials as the save-integration body expects them.
    pub fn integration_body(&self, account: usize) -> Value {
        let keys = &self.fake.accounts()[account];
        json!({
            "provider": "mightycall",
            "credentials": { "api_key": keys.api_key, "user_key": keys.user_key },
            "metadata": { "host": "api", "label": "Main line" },
        })
    }

    /// Every row of `table` for `org`, as text, read past RLS: for "nothing changed" assertions.
    pub async fn rows(&self, table: &str, org: Uuid) -> Vec<String> {
        let column = if table == "organizations" {
            "id"
        } else {
            "org_id"
        };
        let sql = format!("select t::text from {table} t where {column} = $1 order by 1");
        self.db
            .admin()
            .await
            .query(&sql, &[&org])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }
}

/// The admin function, built as `main` builds it, with MightyCall at `base` and each api key's
/// daily request budget.
pub async fn admin_router(
    deps: &startup::Deps,
    base: Option<String>,
    require_mfa_for_admin: bool,
    daily_request_budget: u32,
) -> Router {
    let mut core = identity::core_config();
    core.policy.require_mfa_for_admin = require_mfa_for_admin;
    let config = admin_integrations::AdminConfig {
        core,
        mightycall_base_override: base,
        daily_request_budget,
    };
    admin_integrations::routes::router(
        admin_integrations::AdminState::build(config, deps.clone())
            .await
            .unwrap(),
    )
}

impl World {
    /// Everything an admin route could change in `org`.
    pub async fn snapshot(&self, org: Uuid) -> Vec<Vec<String>> {
        let mut all = Vec::new();
        for table in ADMIN_TABLES {
            all.push(self.rows(table, org).await);
        }
        all
    }
}

/// The admin routes of org `org`, with a body that would succeed for an org admin.
pub fn admin_routes(
    world: &World,
    org: Uuid,
    member: Uuid,
) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::GET,
            format!("/api/admin/orgs/{org}/integrations"),
            None,
        ),
        (
            Method::POST,
            format!("/api/admin/orgs/{org}/integrations"),
            Some(world.integration_body(0)),
        ),
        (
            Method::PATCH,
            format!("/api/admin/orgs/{org}/integrations/mightycall"),
            Some(json!({ "enabled": false })),
        ),
        (
            Method::DELETE,
            format!("/api/admin/orgs/{org}/integrations/mightycall"),
            None,
        ),
        (Method::GET, format!("/api/admin/orgs/{org}/members"), None),
        (
            Method::POST,
            format!("/api/admin/orgs/{org}/invites"),
            Some(json!({ "email": "new.person@example.test", "role": "agent" })),
        ),
        (
            Method::PATCH,
            format!("/api/admin/orgs/{org}/members/{member}"),
            Some(json!({ "role": "org_manager" })),
        ),
        (
            Method::DELETE,
            format!("/api/admin/orgs/{org}/members/{member}"),
            None,
        ),
        (Method::GET, format!("/api/admin/orgs/{org}/audit"), None),
    ]
}

/// Tables an admin route could change.
pub const ADMIN_TABLES: &[&str] = &[
    "organizations",
    "org_users",
    "org_invites",
    "org_integrations",
    "audit_log",
    "platform_account_bindings",
];
