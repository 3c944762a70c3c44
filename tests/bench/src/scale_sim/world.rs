//! The simulated platform: a private PostgreSQL with `orgs` organisations, each connected to its own
//! account at the fake MightyCall on loopback (every calls page answered after `latency`), and the
//! factory for worker sandboxes (an engine on a pool of the production size).

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use domain::OrgId;
use mightycall::{RetryPolicy, Timeouts};
use mightycall_fake::{FakeConfig, FakeHandle, FakeMightyCall, Fault, FaultRule};
use sync_engine::{Dispatcher, Engine, SyncSettings};
use sync_worker::Worker;
use test_harness::{TestDb, identity};
use uuid::Uuid;

use crate::Options;

pub struct World {
    pub db: TestDb,
    pub fake: FakeHandle,
    /// Org ids, in the fake's account order.
    pub orgs: Vec<Uuid>,
    /// The lease the engine uses (raised to one page and its write).
    pub lease: Duration,
    secrets: Arc<settings::Secrets>,
    settings: SyncSettings,
}

impl World {
    pub async fn new(options: &Options) -> Self {
        let db = TestDb::new().await;
        let fake = FakeMightyCall::start(FakeConfig {
            accounts: options.orgs,
            calls: options.calls,
            days: 7,
            ..FakeConfig::default()
        })
        .await
        .unwrap();
        fake.push_fault(
            FaultRule::once(Fault::Slow {
                delay: options.latency,
            })
            .on_path("/calls")
            .always(),
        );
        let core = identity::core(&db, serde_json::json!({})).await;
        let settings = SyncSettings {
            base_override: Some(fake.base_url()),
            settle: TimeDelta::zero(),
            // Short enough that a killed run's lease runs out within the simulation.
            timeouts: Timeouts {
                connect: Duration::from_secs(2),
                request: Duration::from_secs(3),
            },
            retry: RetryPolicy {
                max_retries: 1,
                base_delay: Duration::from_millis(100),
                max_delay: Duration::from_millis(200),
                max_retry_after: Duration::from_secs(1),
            },
            lease: Duration::ZERO,
            ..SyncSettings::default()
        };
        let mut world = Self {
            db,
            fake,
            orgs: Vec::new(),
            lease: Duration::ZERO,
            secrets: Arc::clone(&core.auth.secrets),
            settings,
        };
        world.orgs = world.seed(options.orgs).await;
        world.lease = world.sandbox().engine.settings().lease;
        world
    }

    /// One org per fake account, each with its sealed credentials, enabled and never scheduled.
    async fn seed(&self, count: usize) -> Vec<Uuid> {
        let admin = self.db.admin().await;
        let keyring = crypto::Keyring::from_json(identity::KEYRING).unwrap();
        let vault = vault::Vault::new(&keyring);
        let accounts = self.fake.accounts();
        let mut orgs = Vec::with_capacity(count);
        for (i, keys) in accounts.iter().take(count).enumerate() {
            let org = Uuid::new_v4();
            let sealed = vault
                .seal_credentials(OrgId::new(org), "mightycall", &keys.api_key, &keys.user_key)
                .unwrap();
            admin
                .execute(
                    "insert into organizations (id, name) values ($1, $2)",
                    &[&org, &format!("Simulated org {i}")],
                )
                .await
                .unwrap();
            admin
                .execute(
                    "insert into org_integrations (org_id, provider, credentials_ciphertext, credentials_key_id, metadata)
                     values ($1, 'mightycall', $2, 'k1', '{\"host\":\"api\"}')",
                    &[&org, &sealed],
                )
                .await
                .unwrap();
            orgs.push(org);
        }
        orgs
    }

    /// A fresh worker sandbox: its own pool of the production size, as a new Lambda would have.
    pub fn sandbox(&self) -> Worker {
        let db = store::Db::connect(&self.db.store_config()).unwrap();
        let engine = Engine::new(db, Arc::clone(&self.secrets), self.settings.clone());
        Worker {
            dispatcher: Dispatcher::Inline(engine.clone()),
            engine,
        }
    }

    pub fn pool_size(&self) -> usize {
        self.db.store_config().pool_size
    }
}
