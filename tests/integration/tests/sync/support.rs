use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use chrono::TimeDelta;
use domain::{JobStatus, OrgId, Resource, SyncTrigger};
use mightycall_fake::{FakeConfig, FakeHandle, FakeMightyCall};
use serde_json::json;
use store::sync_jobs::{self, Job, NewJob};
use sync_engine::{Dispatcher, Engine, RunOutcome, SyncSettings, WiringConfig};
use test_harness::TestDb;
use test_harness::fixtures::Tenants;
use test_harness::identity;
use uuid::Uuid;

pub struct World {
    pub db: TestDb,
    pub t: Tenants,
    pub fake: FakeHandle,
    pub engine: Engine,
    pub core: web::Core,
    /// What the functions of this world are built from.
    pub deps: startup::Deps,
    pub settings: SyncSettings,
}

pub fn settings(fake: &FakeHandle) -> SyncSettings {
    SyncSettings {
        base_override: Some(fake.base_url()),
        // The fake's data ends "now": a closed window up to now sees all of it.
        settle: TimeDelta::zero(),
        ..SyncSettings::default()
    }
}

impl World {
    pub async fn new(config: FakeConfig) -> Self {
        Self::with(config, |_| {}).await
    }

    /// Org A is connected to fake account 0, org B to account 1.
    pub async fn with(config: FakeConfig, tune: impl FnOnce(&mut SyncSettings)) -> Self {
        Self::with_secrets(config, |_| json!({}), tune).await
    }

    /// Like [`World::with`], with deployment secrets (e.g. the platform's MightyCall account)
    /// chosen once the fake runs.
    pub async fn with_secrets(
        config: FakeConfig,
        secrets: impl FnOnce(&FakeHandle) -> serde_json::Value,
        tune: impl FnOnce(&mut SyncSettings),
    ) -> Self {
        let db = TestDb::new().await;
        let t = Tenants::seed(&db.admin().await).await;
        // Start from nothing synced: the fixtures' sample rows and watermarks would skew every count.
        db.admin()
            .await
            .batch_execute(
                "truncate integration_sync_jobs, sync_state, calls, mightycall_recordings, mightycall_voicemails,
                   mightycall_sms_messages, mightycall_contacts, phone_numbers",
            )
            .await
            .unwrap();
        let fake = FakeMightyCall::start(config).await.unwrap();
        let deps = identity::deps(&db, secrets(&fake)).await;
        let core = web::Core::build(identity::core_config(), deps.clone())
            .await
            .unwrap();
        let mut settings = settings(&fake);
        tune(&mut settings);
        let engine = Engine::new(db.store(), Arc::clone(&deps.secrets), settings.clone());
        let w = Self {
            db,
            t,
            fake,
            engine,
            core,
            deps,
            settings,
        };
        w.connect(w.t.org_a, 0).await;
        w.connect(w.t.org_b, 1).await;
        w
    }

    /// Stores fake account `account`'s credentials as `org`'s integration, sealed as the admin
    /// function would.
    pub async fn connect(&self, org: Uuid, account: usize) {
        let keys = &self.fake.accounts()[account];
        let keyring = crypto_keyring();
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

    pub fn api_key(&self, account: usize) -> String {
        self.fake.accounts()[account].api_key.clone()
    }

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

    pub async fn sync(&self, org: Uuid, resource: Resource) -> Job {
        let job = self.queue(org, resource).await;
        self.run(job.id).await
    }

    pub async fn job(&self, id: Uuid) -> Job {
        let tx = self.db.store().as_service().await.unwrap();
        sync_jobs::get_job(&tx, id).await.unwrap().unwrap()
    }

    /// `external_id`s of `table` for `org`, sorted.
    pub async fn ids(&self, table: &str, org: Uuid) -> Vec<String> {
        let sql = format!("select external_id from {table} where org_id = $1 order by 1");
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

    /// This world's engine settings, dispatching inline.
    pub fn wiring(&self) -> WiringConfig {
        WiringConfig {
            settings: self.settings.clone(),
            ..WiringConfig::default()
        }
    }

    /// The sync function, built as `main` builds it.
    pub async fn router(&self) -> Router {
        let config = sync::SyncConfig {
            core: identity::core_config(),
            wiring: self.wiring(),
        };
        sync::routes::router(
            sync::SyncState::build(config, self.deps.clone())
                .await
                .unwrap(),
        )
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
}

pub fn crypto_keyring() -> crypto::Keyring {
    crypto::Keyring::from_json(identity::KEYRING).unwrap()
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

/// An event bus in the AWS emulator with a rule that copies `SyncRequested` events to an SQS
/// queue, so a test can read what was published.
pub struct Bus {
    pub name: String,
    sqs: aws_sdk_sqs::Client,
    queue_url: String,
}

impl Bus {
    pub async fn new() -> Self {
        let aws = test_harness::AwsEmulator::get();
        let (events, sqs) = (aws.eventbridge(), aws.sqs());
        let name = format!("victorysync-test-{}", Uuid::new_v4().simple());
        events.create_event_bus().name(&name).send().await.unwrap();
        let queue = sqs.create_queue().queue_name(&name).send().await.unwrap();
        let queue_url = queue.queue_url().unwrap().to_owned();
        let arn_name = aws_sdk_sqs::types::QueueAttributeName::QueueArn;
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(arn_name.clone())
            .send()
            .await
            .unwrap();
        let queue_arn = attributes.attributes().unwrap()[&arn_name].clone();
        events
            .put_rule()
            .name(&name)
            .event_bus_name(&name)
            .event_pattern(json!({ "detail-type": [sync_engine::SYNC_REQUESTED] }).to_string())
            .send()
            .await
            .unwrap();
        let target = aws_sdk_eventbridge::types::Target::builder()
            .id("queue")
            .arn(&queue_arn)
            .build()
            .unwrap();
        events
            .put_targets()
            .rule(&name)
            .event_bus_name(&name)
            .targets(target)
            .send()
            .await
            .unwrap();
        Self {
            name,
            sqs,
            queue_url,
        }
    }

    pub fn dispatcher(&self) -> Dispatcher {
        Dispatcher::EventBridge {
            client: test_harness::AwsEmulator::get().eventbridge(),
            bus: self.name.clone(),
        }
    }

    /// Waits (bounded) for `count` events and returns their details.
    pub async fn receive(&self, count: usize) -> Vec<sync_engine::SyncRequested> {
        let mut details = Vec::new();
        for _ in 0..50 {
            let received = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .wait_time_seconds(1)
                .send()
                .await
                .unwrap();
            for message in received.messages() {
                let event: serde_json::Value =
                    serde_json::from_str(message.body().unwrap()).unwrap();
                assert_eq!(event["detail-type"], sync_engine::SYNC_REQUESTED);
                assert_eq!(event["source"], sync_engine::SYNC_SOURCE);
                details.push(serde_json::from_value(event["detail"].clone()).unwrap());
            }
            if details.len() >= count {
                break;
            }
        }
        details
    }
}
