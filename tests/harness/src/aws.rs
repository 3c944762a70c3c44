//! An AWS emulator for Secrets Manager, EventBridge and SQS: moto's server from PyPI, installed into a
//! virtualenv under the target directory on first use and started once per test process on a free
//! loopback port. Tests reach it with the real AWS SDK clients.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// moto version the tests were written against; pinned so a new release cannot change behaviour.
const MOTO: &str = "moto[server]==5.2.5";

pub struct AwsEmulator {
    endpoint: String,
}

impl AwsEmulator {
    /// The emulator of this test process, started on first use. Panics with what to install when it
    /// cannot be started: a test that needs AWS must fail, never skip.
    pub fn get() -> &'static AwsEmulator {
        static EMULATOR: OnceLock<Result<AwsEmulator, String>> = OnceLock::new();
        match EMULATOR.get_or_init(start) {
            Ok(emulator) => emulator,
            #[allow(clippy::panic)]
            Err(why) => panic!("AWS emulator unavailable: {why}"),
        }
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Real SDK clients pointed at the emulator with throw-away credentials.
    pub fn secrets_manager(&self) -> aws_sdk_secretsmanager::Client {
        aws_sdk_secretsmanager::Client::new(&self.sdk_config())
    }

    pub fn eventbridge(&self) -> aws_sdk_eventbridge::Client {
        aws_sdk_eventbridge::Client::new(&self.sdk_config())
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.sdk_config())
    }

    /// The SDK configuration every client above uses (for code that builds its own clients).
    pub fn sdk_config(&self) -> aws_config::SdkConfig {
        use aws_sdk_sqs::config::{Credentials, SharedCredentialsProvider};
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "testing", "testing", None, None, "emulator",
            )))
            .build()
    }
}

fn start() -> Result<AwsEmulator, String> {
    let server = moto_server()?;
    let dir = std::env::temp_dir().join(format!("victorysync-moto-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))?;
    let log = std::fs::File::create(dir.join("moto.log")).map_err(|e| e.to_string())?;
    let mut child = Command::new(&server)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", server.display()))?;
    crate::watchdog::spawn(child.id(), "TERM", &dir)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(dir.join("moto.log")).unwrap_or_default();
            return Err(format!("moto_server exited ({status}): {log}"));
        }
        if Instant::now() > deadline {
            return Err("moto_server did not listen within 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(AwsEmulator {
        endpoint: format!("http://127.0.0.1:{port}"),
    })
}

/// `MOTO_SERVER`, else a virtualenv under the target directory (created with `python3 -m venv` and
/// `pip install` on first use, so every machine runs the same pinned version).
fn moto_server() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("MOTO_SERVER").map(PathBuf::from) {
        return Ok(path);
    }
    let venv = crate::layout::target_dir()?.join("aws-emulator-venv");
    let server = venv.join("bin/moto_server");
    if server.is_file() {
        return Ok(server);
    }
    run(
        Command::new("python3").arg("-m").arg("venv").arg(&venv),
        "python3 -m venv",
    )?;
    run(
        Command::new(venv.join("bin/pip")).args(["install", "--quiet", MOTO]),
        "pip install moto[server]",
    )?;
    Ok(server)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let out = command.output().map_err(|e| {
        format!("cannot run {what}: {e} (the AWS emulator needs Python 3 with venv and pip)")
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
