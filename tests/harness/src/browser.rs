//! A real headless Chromium driven over WebDriver (`chromedriver` on a free loopback port), with a
//! fresh profile per browser. Debian's `chromium` and `chromium-driver` packages (installed by
//! `.ci/run`); without them the test fails and says what to install.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

use crate::layout;

pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

fn free_port() -> u16 {
    match std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()) {
        Ok(addr) => addr.port(),
        #[allow(clippy::panic)]
        Err(e) => panic!("no free loopback port: {e}"),
    }
}

#[allow(clippy::panic)]
fn need(what: &str, e: impl std::fmt::Display) -> ! {
    panic!(
        "{what}: {e}. The browser tests need Debian's chromium and chromium-driver packages and \
         Node.js with npm (.ci/run installs what is missing)."
    )
}

impl Browser {
    /// Chromium at `width` × `height` CSS pixels.
    pub async fn start(width: u32, height: u32) -> Self {
        let port = free_port();
        let driver =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| need("cannot start chromedriver", e));
        let profile =
            std::env::temp_dir().join(format!("victorysync-chromium-{}", uuid::Uuid::new_v4()));
        let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let capabilities = json!({
            "goog:chromeOptions": {
                "binary": binary,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
                    format!("--user-data-dir={}", profile.display()),
                    format!("--window-size={width},{height}"),
                ]
            }
        });
        let capabilities = match capabilities {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let mut builder =
                ClientBuilder::rustls().unwrap_or_else(|e| need("WebDriver client", e));
            builder.capabilities(capabilities.clone());
            match builder.connect(&url).await {
                Ok(client) => break client,
                Err(e) if started.elapsed() > Duration::from_secs(30) => {
                    need("chromedriver did not give a browser session", e)
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self {
            client,
            driver,
            profile,
        }
    }

    /// Writes a PNG of the viewport to `<target>/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let dir = layout::target_dir()
            .unwrap_or_else(|e| need("no target directory", e))
            .join("screenshots");
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| need("screenshot failed", e));
        let path = dir.join(format!("{name}.png"));
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, png)) {
            need("cannot write the screenshot", e);
        }
        path
    }

    /// The accessibility violations axe-core finds in the current page with impact `serious` or
    /// `critical`, one line each (rule, impact, what it checks, how many elements).
    pub async fn serious_accessibility_violations(&self) -> Vec<String> {
        let script = axe_source();
        // WebDriver's scripts run outside the page's Content-Security-Policy.
        self.client
            .execute(&format!("{script}\n;return null;"), vec![])
            .await
            .unwrap_or_else(|e| need("cannot load axe-core into the page", e));
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then((r) => done(r.violations
                     .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                     .map((v) => `${v.id} (${v.impact}): ${v.help}, ${v.nodes.length} element(s): ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`)))
                   .catch((e) => done([`axe failed: ${e}`]));",
                vec![],
            )
            .await
            .unwrap_or_else(|e| need("axe-core did not run", e));
        found
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_else(|| vec![format!("unexpected axe answer: {found}")])
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// axe-core's browser bundle, installed once per test process from `tests/harness/axe` (its
/// lockfile) with `npm ci` into `<target>/axe`, never into the repository.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = layout::target_dir()
            .unwrap_or_else(|e| need("no target directory", e))
            .join("axe");
        let bundle = dir.join("node_modules/axe-core/axe.min.js");
        let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("axe");
        let lock = std::fs::read(manifest.join("package-lock.json"))
            .unwrap_or_else(|e| need("tests/harness/axe/package-lock.json", e));
        // Installed again when the lockfile changed.
        let installed = std::fs::read(dir.join("package-lock.json")).ok();
        if !bundle.is_file() || installed.as_deref() != Some(lock.as_slice()) {
            let copied = std::fs::create_dir_all(&dir)
                .and_then(|()| {
                    std::fs::copy(manifest.join("package.json"), dir.join("package.json"))
                })
                .and_then(|_| std::fs::write(dir.join("package-lock.json"), &lock));
            if let Err(e) = copied {
                need("cannot prepare the axe-core install", e);
            }
            let status = Command::new("npm")
                .args([
                    "ci",
                    "--ignore-scripts",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ])
                .current_dir(&dir)
                .status()
                .unwrap_or_else(|e| need("cannot run npm (Node.js) to install axe-core", e));
            if !status.success() {
                need("npm ci for axe-core failed", status);
            }
        }
        std::fs::read_to_string(&bundle).unwrap_or_else(|e| need("cannot read axe.min.js", e))
    })
}
