use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use domain::{OrgId, Resource, SyncTrigger};
use mightycall_fake::{FakeConfig, FakeHandle, FakeMightyCall};
use store::sync_jobs::{self, NewJob};
use sync_engine::{Engine, RunOutcome, SyncSettings};
use test_harness::TestDb;
use test_harness::fixtures::Tenants;
use test_harness::identity;

pub struct World {
    pub db: TestDb,
    pub org: uuid::Uuid,
    /// A member of `org`, for queries under RLS.
    pub member: uuid::Uuid,
    pub fake: FakeHandle,
    engine: Engine,
}

pub struct Figures {
    pub rows: u64,
    pub seconds: f64,
    pub requests: usize,
}

impl World {
    pub async fn new(calls: usize) -> Self {
        let db = TestDb::new().await;
        let t = Tenants::seed(&db.admin().await).await;
        db.admin()
            .await
            .batch_execute("truncate calls, sync_state, integration_sync_jobs")
            .await
            .unwrap();
        let core = identity::core(&db, serde_json::json!({})).await;
        let generated = Instant::now();
        let fake = FakeMightyCall::start(FakeConfig {
            accounts: 1,
            calls,
            days: 29,
            messages: 10,
            contacts: 10,
            ..FakeConfig::default()
        })
        .await
        .unwrap();
        println!(
            "fake MightyCall generated {calls} calls in {:.1} s",
            generated.elapsed().as_secs_f64()
        );
        let keys = &fake.accounts()[0];
        let keyring = crypto::Keyring::from_json(identity::KEYRING).unwrap();
        let sealed = vault::Vault::new(&keyring)
            .seal_credentials(
                OrgId::new(t.org_a),
                "mightycall",
                &keys.api_key,
                &keys.user_key,
            )
            .unwrap();
        db.admin()
            .await
            .execute(
                "update org_integrations set credentials_ciphertext = $2, token_cache_ciphertext = null where org_id = $1",
                &[&t.org_a, &sealed],
            )
            .await
            .unwrap();
        let settings = SyncSettings {
            base_override: Some(fake.base_url()),
            settle: TimeDelta::zero(),
            ..SyncSettings::default()
        };
        let engine = Engine::new(db.store(), Arc::clone(&core.auth.secrets), settings);
        Self {
            db,
            org: t.org_a,
            member: t.agent_a,
            fake,
            engine,
        }
    }

    async fn run_calls_job(&self) -> Figures {
        let api_key = self.fake.accounts()[0].api_key.clone();
        let requests_before = self.fake.requests(&api_key);
        let tx = self.db.store().as_service().await.unwrap();
        let (job, _) = sync_jobs::queue_job(
            &tx,
            &NewJob {
                org: OrgId::new(self.org),
                resource: Resource::Calls,
                trigger: SyncTrigger::Service,
                requested_by: None,
                window: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let started = Instant::now();
        loop {
            match self
                .engine
                .run(job.id, Instant::now() + Duration::from_secs(900))
                .await
                .unwrap()
            {
                RunOutcome::Paused => continue,
                RunOutcome::Held => panic!("nothing else runs this job"),
                RunOutcome::Finished(status) => {
                    assert_eq!(
                        status,
                        domain::JobStatus::Succeeded,
                        "the benchmark sync failed"
                    );
                    break;
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        let tx = self.db.store().as_service().await.unwrap();
        let done = sync_jobs::get_job(&tx, job.id).await.unwrap().unwrap();
        Figures {
            rows: u64::try_from(done.records_upserted).unwrap_or(0),
            seconds,
            requests: self.fake.requests(&api_key) - requests_before,
        }
    }

    pub async fn full_sync(&self) -> Figures {
        self.run_calls_job().await
    }

    pub async fn full_sync_again(&self) -> Figures {
        self.run_calls_job().await
    }
}
