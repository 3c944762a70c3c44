//! Demo data: two organisations, each with an org admin, a manager and an agent, plus a platform
//! admin; each org connected to its own fake MightyCall account and synced once; a fake Supabase
//! Auth where each of them signs in to the pages.

use std::time::{Duration, Instant};

use domain::OrgId;
use mightycall_fake::{FakeConfig, FakeHandle, FakeMightyCall};
use supabase_fake::{FakeAuthConfig, FakeAuthHandle, FakeSupabaseAuth};
use test_harness::fixtures::Tenants;
use test_harness::{TestDb, identity};

pub struct Demo {
    db: TestDb,
    t: Tenants,
    fake: FakeHandle,
    auth: FakeAuthHandle,
    service_key: String,
}

/// The demo's password for every sign-in (a local stack on loopback only).
const DEMO_PASSWORD: &str = "victorysync-demo";

impl Demo {
    pub async fn start() -> Self {
        let db = TestDb::new().await;
        let t = Tenants::seed(&db.admin().await).await;
        let fake = FakeMightyCall::start(FakeConfig {
            calls: 400,
            days: 14,
            ..FakeConfig::default()
        })
        .await
        .expect("the fake MightyCall starts");
        let keyring =
            crypto::Keyring::from_json(identity::KEYRING).expect("the demo keyring is valid");
        let vault = vault::Vault::new(&keyring);
        let admin = db.admin().await;
        // The fixtures' placeholder rows make way for what the sync will bring.
        admin
            .batch_execute(
                "truncate integration_sync_jobs, sync_state, calls, mightycall_recordings, mightycall_voicemails,
                   mightycall_sms_messages, mightycall_contacts, phone_numbers;
                 update organizations set name = 'Acme Calls' where name = 'Org A';
                 update organizations set name = 'Globex Support' where name = 'Org B';",
            )
            .await
            .expect("demo data resets");
        for (org, account) in [(t.org_a, 0), (t.org_b, 1)] {
            let keys = &fake.accounts()[account];
            let sealed = vault
                .seal_credentials(OrgId::new(org), "mightycall", &keys.api_key, &keys.user_key)
                .expect("sealing works");
            admin
                .execute(
                    "update org_integrations set credentials_ciphertext = $2, credentials_key_id = 'k1',
                       api_key_hint = right($3, 4), token_cache_ciphertext = null,
                       metadata = '{\"host\":\"api\",\"label\":\"Demo account\"}' where org_id = $1",
                    &[&org, &sealed, &keys.api_key],
                )
                .await
                .expect("the demo integration is saved");
        }
        let auth = FakeSupabaseAuth::start(FakeAuthConfig::new(identity::JWT_SECRET))
            .await
            .expect("the fake Supabase Auth starts");
        for (user, email) in Self::sign_ins(&t) {
            auth.add_user_with_id(user, email, DEMO_PASSWORD, false);
        }
        let service_key = uuid::Uuid::new_v4().simple().to_string();
        Self {
            db,
            t,
            fake,
            auth,
            service_key,
        }
    }

    /// Who can sign in to the pages, and with which address.
    fn sign_ins(t: &Tenants) -> [(uuid::Uuid, &'static str); 6] {
        [
            (t.platform_admin, "platform@victorysync.test"),
            (t.admin_a, "admin@acme.test"),
            (t.manager_a, "manager@acme.test"),
            (t.agent_a, "agent@acme.test"),
            (t.admin_b, "admin@globex.test"),
            (t.agent_b, "agent@globex.test"),
        ]
    }

    /// What the functions connect to on the demo database, as they build it from `function_env`.
    pub async fn deps(&self) -> startup::Deps {
        identity::deps(
            &self.db,
            serde_json::json!({ "SERVICE_KEYS": self.service_key }),
        )
        .await
    }

    /// The key `POST /api/trigger` accepts.
    pub fn service_key(&self) -> &str {
        &self.service_key
    }

    /// The fake MightyCall's API base, every function's `MIGHTYCALL_BASE_URL`.
    pub fn mightycall_base(&self) -> String {
        self.fake.base_url()
    }

    /// The first demo org and a token of its org admin.
    pub fn org_admin(&self) -> (uuid::Uuid, String) {
        let admin = self.t.admin_a;
        (
            self.t.org_a,
            identity::token(admin, &format!("{admin}@example.test")),
        )
    }

    /// An agent of the first demo org.
    pub fn org_agent(&self) -> uuid::Uuid {
        self.t.agent_a
    }

    /// The first demo org's first recording and voicemail (list row ids), once synced: the audio
    /// routes play them.
    pub async fn audio_ids(&self) -> (String, String) {
        let admin = self.db.admin().await;
        let mut ids = Vec::new();
        for table in ["mightycall_recordings", "mightycall_voicemails"] {
            let sql = format!("select id::text from {table} where org_id = $1 order by id limit 1");
            let row = admin.query_opt(&sql, &[&self.t.org_a]).await;
            let id = row.ok().flatten().map(|r| r.get::<_, String>(0));
            // Without a sync there is nothing to play: any id (404).
            ids.push(id.unwrap_or_else(|| uuid::Uuid::nil().to_string()));
        }
        (ids.remove(0), ids.remove(0))
    }

    /// A token of the platform admin.
    pub fn platform_admin_token(&self) -> String {
        let admin = self.t.platform_admin;
        identity::token(admin, &format!("{admin}@example.test"))
    }

    /// Every resource of both orgs, started through the running stack the way an org admin would
    /// (POST /api/mightycall/sync/all) and followed until the jobs end.
    pub async fn initial_sync(&self, base: &str) {
        let http = reqwest::Client::new();
        // The first request builds the functions: wait for them.
        let deadline = Instant::now() + Duration::from_secs(900);
        while http
            .get(format!("{base}/api/health"))
            .send()
            .await
            .map(|r| r.status().is_success())
            .ok()
            != Some(true)
        {
            if Instant::now() > deadline {
                panic!("the functions did not come up within 15 minutes");
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        for (org, admin) in [
            (self.t.org_a, self.t.admin_a),
            (self.t.org_b, self.t.admin_b),
        ] {
            let token = identity::token(admin, &format!("{admin}@example.test"));
            let started: serde_json::Value = http
                .post(format!("{base}/api/mightycall/sync/all"))
                .bearer_auth(&token)
                .json(&serde_json::json!({ "orgId": org }))
                .send()
                .await
                .expect("the sync function answers")
                .json()
                .await
                .expect("a JSON answer");
            let jobs: Vec<String> = started["jobs"]
                .as_array()
                .map(|jobs| {
                    jobs.iter()
                        .filter_map(|j| j["job_id"].as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            for job in jobs {
                loop {
                    let answer: serde_json::Value = http
                        .get(format!("{base}/api/mightycall/sync/jobs/{job}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .expect("the sync function answers")
                        .json()
                        .await
                        .expect("a JSON answer");
                    let status = answer["job"]["status"]
                        .as_str()
                        .unwrap_or("queued")
                        .to_owned();
                    if !["queued", "running"].contains(&status.as_str())
                        || Instant::now() > deadline
                    {
                        println!(
                            "  {} {}: {status}",
                            answer["job"]["resource"].as_str().unwrap_or("?"),
                            org
                        );
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    /// What every function reads from its environment in this local stack.
    pub fn function_env(&self) -> Vec<(String, String)> {
        [
            ("DATABASE_URL", self.db.app_url()),
            ("SUPABASE_JWT_SECRET", identity::JWT_SECRET.to_owned()),
            ("INTEGRATIONS_KEYS", identity::KEYRING.to_owned()),
            ("SERVICE_KEYS", self.service_key.clone()),
            ("MIGHTYCALL_BASE_URL", self.fake.base_url()),
            ("SYNC_DISPATCH", "inline".to_owned()),
            ("SUPABASE_URL", self.auth.base_url()),
            ("SUPABASE_ANON_KEY", self.auth.anon_key()),
            ("WEB_SESSION_KEYS", identity::SESSION_KEYRING.to_owned()),
            // No RUST_LOG: the functions log at info by default, and cargo-lambda would read it too.
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Copies of `events/` with the demo's token, org, member, keys and dates filled in, ready for
    /// `cargo lambda invoke <function> --data-file …` against this stack. Samples that name things
    /// only a running system has (a job id, a webhook token, a signature) keep their placeholders.
    pub fn write_demo_events(&self, out: &std::path::Path) -> std::io::Result<usize> {
        let keys = &self.fake.accounts()[0];
        let today = chrono::Utc::now().date_naive();
        let replacements = [
            (
                "DEMO_TOKEN".to_owned(),
                identity::token(self.t.admin_a, &format!("{}@example.test", self.t.admin_a)),
            ),
            (
                "DEMO_PLATFORM_ADMIN_TOKEN".to_owned(),
                identity::token(
                    self.t.platform_admin,
                    &format!("{}@example.test", self.t.platform_admin),
                ),
            ),
            (
                "11111111-1111-4111-8111-111111111111".to_owned(),
                self.t.org_a.to_string(),
            ),
            (
                "22222222-2222-4222-8222-222222222222".to_owned(),
                self.t.agent_a.to_string(),
            ),
            ("DEMO_API_KEY".to_owned(), keys.api_key.clone()),
            ("DEMO_USER_KEY".to_owned(), keys.user_key.clone()),
            ("DEMO_SERVICE_KEY".to_owned(), self.service_key.clone()),
            (
                "DEMO_START".to_owned(),
                (today - chrono::Days::new(2)).to_string(),
            ),
            ("DEMO_END".to_owned(), today.to_string()),
            ("DEMO_SMS_FROM".to_owned(), self.sms_number()),
        ];
        let mut written = 0;
        for dir in std::fs::read_dir("events")?
            .flatten()
            .filter(|d| d.path().is_dir())
        {
            let target = out.join(dir.file_name());
            std::fs::create_dir_all(&target)?;
            for file in std::fs::read_dir(dir.path())?.flatten() {
                let mut text = std::fs::read_to_string(file.path())?;
                for (placeholder, value) in &replacements {
                    text = text.replace(placeholder, value);
                }
                // The body's length changed with the values; API Gateway sends the real one.
                let text = match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(mut event) => {
                        if let Some(len) = event["body"].as_str().map(str::len) {
                            event["headers"]["content-length"] = len.to_string().into();
                        }
                        serde_json::to_string_pretty(&event).unwrap_or(text)
                    }
                    Err(_) => text,
                };
                std::fs::write(target.join(file.file_name()), text)?;
                written += 1;
            }
        }
        Ok(written)
    }

    /// A number of org A's account that sends SMS, for the SMS sample.
    fn sms_number(&self) -> String {
        let account = self.fake.account(&self.fake.accounts()[0].api_key);
        account
            .and_then(|a| {
                a.phone_numbers
                    .into_iter()
                    .find(|p| p.deleted_at.is_none() && p.sms_mode == "Enabled")
            })
            .map_or_else(|| "DEMO_SMS_FROM".to_owned(), |p| p.number)
    }

    pub fn print_instructions(&self, port: u16) {
        let base = format!("http://127.0.0.1:{port}");
        let users = [
            ("PLATFORM_ADMIN", self.t.platform_admin),
            ("ACME_ADMIN", self.t.admin_a),
            ("ACME_MANAGER", self.t.manager_a),
            ("ACME_AGENT", self.t.agent_a),
            ("GLOBEX_ADMIN", self.t.admin_b),
        ];
        println!("\nVictorySync is running on {base} (functions build on their first request).");
        println!("Dashboard: {base}/ — sign in with password {DEMO_PASSWORD} as:");
        for (_, email) in Self::sign_ins(&self.t) {
            println!("  {email}");
        }
        println!(
            "(magic links are captured by the fake Supabase Auth at {})\n",
            self.auth.base_url()
        );
        println!("Demo tokens (valid for an hour; restart to get new ones):\n");
        for (name, user) in users {
            println!(
                "export {name}={}",
                identity::token(user, &format!("{user}@example.test"))
            );
        }
        let (a, b) = (self.t.org_a, self.t.org_b);
        println!("export ACME={a} GLOBEX={b}\n");
        println!("curl -s {base}/api/health");
        println!("curl -s {base}/api/user/orgs -H \"Authorization: Bearer $ACME_AGENT\"");
        println!(
            "curl -s \"{base}/api/mightycall/reports?orgId=$ACME&type=daily\" -H \"Authorization: Bearer $ACME_AGENT\""
        );
        println!(
            "curl -s \"{base}/api/mightycall/reports?orgId=$ACME&type=calls&limit=5\" -H \"Authorization: Bearer $ACME_MANAGER\""
        );
        println!(
            "curl -s \"{base}/api/sms/messages?orgId=$ACME&format=csv\" -H \"Authorization: Bearer $ACME_AGENT\""
        );
        println!(
            "curl -s {base}/api/admin/orgs/$ACME/integrations -H \"Authorization: Bearer $ACME_ADMIN\""
        );
        println!(
            "curl -s -X POST {base}/api/mightycall/sync/reports -H \"Authorization: Bearer $ACME_MANAGER\" -H 'content-type: application/json' -d \"{{\\\"orgId\\\":\\\"$ACME\\\"}}\""
        );
        println!(
            "curl -s \"{base}/api/mightycall/sync/jobs?orgId=$ACME\" -H \"Authorization: Bearer $ACME_AGENT\""
        );
        println!(
            "curl -s \"{base}/api/mightycall/reports?orgId=$GLOBEX\" -H \"Authorization: Bearer $ACME_ADMIN\"   # another org: 404"
        );
        println!(
            "\nService key for POST /api/trigger (x-service-key): {}",
            self.service_key
        );
        println!(
            "Fake MightyCall: {} (accounts: {})",
            self.fake.base_url(),
            self.fake.accounts().len()
        );
        println!("Ctrl-C stops everything.");
    }
}
