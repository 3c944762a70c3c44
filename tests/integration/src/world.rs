//! The one test world: a seeded database, the fake MightyCall, the dependencies every function is
//! built from, and each function's router built as its `main` builds it (`State::build`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::Method;
use chrono::{DateTime, TimeDelta, Utc};
use domain::{JobStatus, OrgId, Resource, SyncTrigger};
use mightycall_fake::{FakeConfig, FakeHandle, FakeMightyCall};
use serde_json::{Value, json};
use store::sync_jobs::{self, Job, NewJob};
use sync_engine::{Engine, RunOutcome, SyncSettings, WiringConfig};
use test_harness::TestDb;
use test_harness::fixtures::Tenants;
use test_harness::http::{Reply, call};
use test_harness::identity;
use tokio::sync::OnceCell;
use uuid::Uuid;

/// Tables an admin route could change.
const ADMIN_TABLES: &[&str] = &[
    "organizations",
    "org_users",
    "org_invites",
    "org_integrations",
    "audit_log",
    "platform_account_bindings",
];

/// The variations tests need; [`World::new`] takes every default.
pub struct Builder<'a> {
    fake: FakeConfig,
    secrets: Box<dyn FnOnce(&FakeHandle) -> Value + 'a>,
    tune: Box<dyn FnOnce(&mut SyncSettings) + 'a>,
    connected: bool,
    mfa_for_admin: bool,
}

impl<'a> Builder<'a> {
    /// The fake MightyCall's accounts, data and faults.
    pub fn fake(mut self, config: FakeConfig) -> Self {
        self.fake = config;
        self
    }

    /// Deployment secrets beside the JWT secret and the keyring (e.g. `SERVICE_KEYS`, the
    /// platform's MightyCall account), chosen once the fake runs.
    pub fn secrets(mut self, secrets: impl FnOnce(&FakeHandle) -> Value + 'a) -> Self {
        self.secrets = Box::new(secrets);
        self
    }

    /// Engine settings beyond the world's (which point at the fake and need no settling).
    pub fn tune(mut self, tune: impl FnOnce(&mut SyncSettings) + 'a) -> Self {
        self.tune = Box::new(tune);
        self
    }

    /// Starts from nothing synced and connects org A to fake account 0, org B to account 1.
    pub fn connected(mut self) -> Self {
        self.connected = true;
        self
    }

    /// The deployment requires MFA (`aal2`) for admin writes.
    pub fn mfa_for_admin(mut self) -> Self {
        self.mfa_for_admin = true;
        self
    }

    pub async fn build(self) -> World {
        let db = TestDb::new().await;
        let t = Tenants::seed(&db.admin().await).await;
        if self.connected {
            // The fixtures' sample rows and watermarks would skew every count of a sync.
            db.admin()
                .await
                .batch_execute(
                    "truncate integration_sync_jobs, sync_state, calls, mightycall_recordings, mightycall_voicemails,
                       mightycall_sms_messages, mightycall_contacts, phone_numbers",
                )
                .await
                .unwrap();
        }
        let fake = FakeMightyCall::start(self.fake).await.unwrap();
        let deps = identity::deps(&db, (self.secrets)(&fake)).await;
        let mut config = identity::core_config();
        config.policy.require_mfa_for_admin = self.mfa_for_admin;
        let core = web::Core::build(config.clone(), deps.clone())
            .await
            .unwrap();
        let mut settings = SyncSettings {
            base_override: Some(fake.base_url()),
            // The fake's data ends "now": a closed window up to now sees all of it.
            settle: TimeDelta::zero(),
            ..SyncSettings::default()
        };
        (self.tune)(&mut settings);
        let engine = Engine::new(db.store(), Arc::clone(&deps.secrets), settings.clone());
        let w = World {
            db,
            t,
            fake,
            deps,
            core,
            engine,
            settings,
            config,
            clock: Utc::now,
            sync: OnceCell::new(),
            admin: OnceCell::new(),
            trigger: OnceCell::new(),
            operations: OnceCell::new(),
        };
        if self.connected {
            w.connect(w.t.org_a, 0).await;
            w.connect(w.t.org_b, 1).await;
        }
        w
    }
}

/// Everything a test needs. Routers are built on first use and kept.
pub struct World {
    pub db: TestDb,
    pub t: Tenants,
    pub fake: FakeHandle,
    /// What every function of this world is built from.
    pub deps: startup::Deps,
    /// The `user` and `data` functions' whole state.
    core: web::Core,
    pub engine: Engine,
    pub(crate) settings: SyncSettings,
    config: web::CoreConfig,
    clock: fn() -> DateTime<Utc>,
    sync: OnceCell<Router>,
    admin: OnceCell<Router>,
    trigger: OnceCell<Router>,
    operations: OnceCell<Router>,
}

impl World {
    pub fn builder<'a>() -> Builder<'a> {
        Builder {
            fake: FakeConfig::default(),
            secrets: Box::new(|_| json!({})),
            tune: Box::new(|_| {}),
            connected: false,
            mfa_for_admin: false,
        }
    }

    /// The seeded tenants and a fake MightyCall no org is connected to.
    pub async fn new() -> Self {
        Self::builder().build().await
    }

    /// The sync tests' world: nothing synced yet, org A on fake account 0, org B on account 1.
    pub async fn connected(config: FakeConfig) -> Self {
        Self::builder().fake(config).connected().build().await
    }

    /// The same world with the trigger function's clock replaced (e.g. skewed from the database's).
    pub fn with_clock(mut self, clock: fn() -> DateTime<Utc>) -> Self {
        self.clock = clock;
        self.trigger = OnceCell::new();
        self
    }

    pub fn user(&self) -> Router {
        user::routes::router(self.core.clone())
    }

    pub fn data(&self) -> Router {
        data::routes::router(self.core.clone())
    }

    /// This world's engine settings, dispatching inline.
    pub fn wiring(&self) -> WiringConfig {
        WiringConfig {
            settings: self.settings.clone(),
            ..WiringConfig::default()
        }
    }

    pub async fn sync(&self) -> Router {
        let build = async {
            let config = sync::SyncConfig {
                core: self.config.clone(),
                wiring: self.wiring(),
            };
            sync::routes::router(
                sync::SyncState::build(config, self.deps.clone())
                    .await
                    .unwrap(),
            )
        };
        self.sync.get_or_init(|| build).await.clone()
    }

    /// The admin function on the fake MightyCall with the engine's daily budget per api key.
    pub async fn admin(&self) -> Router {
        let build = self.admin_with(Some(self.fake.base_url()), self.settings.daily_budget);
        self.admin.get_or_init(|| build).await.clone()
    }

    /// The admin function with MightyCall at `base` and each api key's daily request budget.
    pub async fn admin_with(&self, base: Option<String>, daily_request_budget: u32) -> Router {
        let config = admin_integrations::AdminConfig {
            core: self.config.clone(),
            mightycall_base_override: base,
            daily_request_budget,
        };
        admin_integrations::routes::router(
            admin_integrations::AdminState::build(config, self.deps.clone())
                .await
                .unwrap(),
        )
    }

    pub async fn trigger(&self) -> Router {
        let build = async {
            let config = trigger::TriggerConfig {
                core: self.config.clone(),
                wiring: self.wiring(),
                clock: self.clock,
            };
            trigger::routes::router(
                trigger::TriggerState::build(config, self.deps.clone())
                    .await
                    .unwrap(),
            )
        };
        self.trigger.get_or_init(|| build).await.clone()
    }

    /// The operations function, its engine on the fake MightyCall.
    pub async fn operations(&self) -> Router {
        let build = async {
            let config = operations::OperationsConfig {
                core: self.config.clone(),
                settings: self.settings.clone(),
            };
            operations::routes::router(
                operations::OperationsState::build(config, self.deps.clone())
                    .await
                    .unwrap(),
            )
        };
        self.operations.get_or_init(|| build).await.clone()
    }

    pub fn token(&self, user: Uuid) -> String {
        identity::token(user, &format!("{user}@example.test"))
    }

    /// A request to `router` with `as_user`'s token.
    pub async fn call(
        &self,
        router: &Router,
        method: Method,
        path: &str,
        as_user: Uuid,
        body: Option<Value>,
    ) -> Reply {
        call(
            router,
            method,
            path,
            Some(&self.token(as_user)),
            body.as_ref(),
        )
        .await
    }

    /// `GET path` of `router` as `as_user` with more request `headers`: the status, headers and
    /// the body as sent (a file, audio).
    pub async fn get_bytes(
        &self,
        router: &Router,
        path: &str,
        as_user: Uuid,
        headers: &[(&str, &str)],
    ) -> (u16, axum::http::HeaderMap, axum::body::Bytes) {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let mut request = axum::http::Request::get(path)
            .header("authorization", format!("Bearer {}", self.token(as_user)));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = router
            .clone()
            .oneshot(request.body(axum::body::Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes)
    }

    pub async fn admin_call(
        &self,
        method: Method,
        path: &str,
        as_user: Uuid,
        body: Option<Value>,
    ) -> Reply {
        self.call(&self.admin().await, method, path, as_user, body)
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

    pub fn api_key(&self, account: usize) -> String {
        self.fake.accounts()[account].api_key.clone()
    }

    /// Stores fake account `account`'s credentials as `org`'s integration, sealed as the admin
    /// function would.
    pub async fn connect(&self, org: Uuid, account: usize) {
        let keys = &self.fake.accounts()[account];
        let keyring = crypto::Keyring::from_json(identity::KEYRING).unwrap();
        let sealed = vault::Vault::new(&keyring)
            .seal_credentials(OrgId::new(org), "mightycall", &keys.api_key, &keys.user_key)
            .unwrap();
        self.db
            .admin()
            .await
            .execute(
                "insert into org_integrations (org_id, provider, credentials_ciphertext, credentials_key_id, metadata)
                 values ($1, 'mightycall', $2, 'k1', '{\"host\":\"api\"}')
                 on conflict (org_id, provider) do update set credentials_ciphertext = excluded.credentials_ciphertext,
                   token_cache_ciphertext = null",
                &[&org, &sealed],
            )
            .await
            .unwrap();
    }

    /// The MightyCall access token `org`'s client cached, opened from its ciphertext: what must
    /// never leak.
    pub async fn cached_access_token(&self, org: Uuid) -> String {
        let sealed: String = self
            .db
            .admin()
            .await
            .query_one(
                "select token_cache_ciphertext from org_integrations where org_id = $1",
                &[&org],
            )
            .await
            .unwrap()
            .get(0);
        let keyring = crypto::Keyring::from_json(identity::KEYRING).unwrap();
        let binding = crypto::Binding::new(&org.to_string(), "mightycall/token").unwrap();
        let token: Value =
            serde_json::from_slice(&keyring.open(&sealed, binding.as_bytes()).unwrap()).unwrap();
        token["access_token"].as_str().unwrap().to_owned()
    }

    /// `org` shows agents their own calls only, and member `agent` has `extension`.
    pub async fn scope_agents(&self, org: Uuid, agent: Uuid, extension: Option<&str>) {
        let admin = self.db.admin().await;
        admin
            .execute(
                "update organizations set agents_see_own_calls_only = true where id = $1",
                &[&org],
            )
            .await
            .unwrap();
        admin
            .execute(
                "update org_users set mightycall_extension = $3 where org_id = $1 and user_id = $2",
                &[&org, &agent, &extension],
            )
            .await
            .unwrap();
    }

    /// Every row of `table` for `org`, as text, read past RLS: for "nothing changed" assertions.
    pub async fn rows(&self, table: &str, org: Uuid) -> Vec<String> {
        let column = if table == "organizations" {
            "id"
        } else {
            "org_id"
        };
        let sql = format!("select t::text from {table} t where {column} = $1 order by 1");
        self.column(&sql, org).await
    }

    /// Everything an admin route could change in `org`.
    pub async fn snapshot(&self, org: Uuid) -> Vec<Vec<String>> {
        let mut all = Vec::new();
        for table in ADMIN_TABLES {
            all.push(self.rows(table, org).await);
        }
        all
    }

    /// `external_id`s of `table` for `org`, sorted.
    pub async fn ids(&self, table: &str, org: Uuid) -> Vec<String> {
        let sql = format!("select external_id from {table} where org_id = $1 order by 1");
        self.column(&sql, org).await
    }

    async fn column(&self, sql: &str, org: Uuid) -> Vec<String> {
        self.db
            .admin()
            .await
            .query(sql, &[&org])
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    }

    /// `select count(*)` of `sql` with the given parameters, read past RLS.
    pub async fn count(
        &self,
        sql: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> i64 {
        self.db
            .admin()
            .await
            .query_one(sql, params)
            .await
            .unwrap()
            .get(0)
    }

    /// A scheduled job for `org`'s `resource`, queued as the worker's tick queues it.
    pub async fn queue(&self, org: Uuid, resource: Resource) -> Job {
        let tx = self.db.store().as_service().await.unwrap();
        let (job, _) = sync_jobs::queue_job(
            &tx,
            &NewJob {
                org: OrgId::new(org),
                resource,
                trigger: SyncTrigger::Schedule,
                requested_by: None,
                window: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        job
    }

    /// Runs a job like the worker does (re-dispatching while it pauses) and returns its final row.
    pub async fn run(&self, job: Uuid) -> Job {
        for _ in 0..100 {
            match self
                .engine
                .run(job, Instant::now() + Duration::from_secs(600))
                .await
                .unwrap()
            {
                RunOutcome::Paused => continue,
                RunOutcome::Held => panic!("job {job} is held by another run"),
                RunOutcome::Finished(_) => return self.job(job).await,
            }
        }
        panic!("job {job} never finished");
    }

    /// Queues and runs a job for `org`'s `resource`.
    pub async fn sync_job(&self, org: Uuid, resource: Resource) -> Job {
        let job = self.queue(org, resource).await;
        self.run(job.id).await
    }

    pub async fn job(&self, id: Uuid) -> Job {
        let tx = self.db.store().as_service().await.unwrap();
        sync_jobs::get_job(&tx, id).await.unwrap().unwrap()
    }

    /// Lets the job's lease run out, as if its holder had died (or its event was lost) that long ago.
    pub async fn expire_lease(&self, id: Uuid) {
        self.db
            .admin()
            .await
            .execute(
                "update integration_sync_jobs set lease_expires_at = now() - interval '1 second' where id = $1",
                &[&id],
            )
            .await
            .unwrap();
    }

    /// Waits (bounded) until the job has saved `pages` pages.
    pub async fn saved_pages(&self, id: Uuid, pages: i32) {
        for _ in 0..400 {
            if self.job(id).await.pages >= pages {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("job {id} did not save {pages} pages in time");
    }

    /// Waits (bounded) until the job reached a final status.
    pub async fn finished(&self, id: Uuid) -> Job {
        for _ in 0..400 {
            let job = self.job(id).await;
            if !job.status.is_active() {
                return job;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("job {id} did not finish in time");
    }

    /// Org A's calls are exactly fake account 0's.
    pub async fn expect_all_calls(&self) {
        let expected: std::collections::BTreeSet<String> = self
            .fake
            .account(&self.api_key(0))
            .unwrap()
            .calls
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        let stored: std::collections::BTreeSet<String> =
            self.ids("calls", self.t.org_a).await.into_iter().collect();
        let missing: Vec<_> = expected.difference(&stored).take(5).collect();
        let extra: Vec<_> = stored.difference(&expected).take(5).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{} stored, {} at the fake; missing {missing:?}, extra {extra:?}",
            stored.len(),
            expected.len()
        );
    }
}

pub fn succeeded(job: &Job) {
    assert_eq!(
        job.status,
        JobStatus::Succeeded,
        "job ended {:?}: {:?} {:?}",
        job.status,
        job.error_code,
        job.error_message
    );
}
