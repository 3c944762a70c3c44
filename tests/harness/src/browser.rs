//! A real headless Chromium driven over WebDriver (`chromedriver` on a free loopback port), with a
//! fresh profile per browser. Debian's `chromium` and `chromium-driver` packages (installed by
//! `.ci/run`); without them the test fails and says what to install.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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
    panic!("{what}: {e}. Install Debian's chromium and chromium-driver packages (.ci/run does).")
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
