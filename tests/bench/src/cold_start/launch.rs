//! One cold start: exec a function binary with Lambda's environment against a fresh fake Runtime
//! API, hand it one event, and read its peak RSS before killing it.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use tokio::process::Command;

use crate::runtime_api::{FakeRuntimeApi, Seen};

/// A cold start that gives up after this long is reported as failed.
const GIVE_UP: Duration = Duration::from_secs(30);

pub struct Sample {
    /// From `exec` to the first `GET …/invocation/next`.
    pub init: Duration,
    /// From the event's delivery to the posted answer.
    pub first: Duration,
    /// `VmHWM` after the first invocation, in bytes.
    pub peak_rss: u64,
    /// `statusCode` of an HTTP answer, `ok` for another answer, `error` for `…/error`.
    pub answer: String,
}

/// The variables Lambda sets in every sandbox (`provided.al2023`, the template's log settings).
fn lambda_env(function: &str, runtime_api: &str) -> Vec<(String, String)> {
    [
        ("AWS_LAMBDA_RUNTIME_API", runtime_api),
        (
            "AWS_LAMBDA_FUNCTION_NAME",
            &format!("victorysync-{function}"),
        ),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
        (
            "AWS_LAMBDA_LOG_GROUP_NAME",
            &format!("/aws/lambda/victorysync-{function}"),
        ),
        (
            "AWS_LAMBDA_LOG_STREAM_NAME",
            "2026/12/02/[$LATEST]0123456789abcdef",
        ),
        ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
        ("AWS_LAMBDA_LOG_LEVEL", "INFO"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023"),
        ("AWS_ACCESS_KEY_ID", "ASIAQCOLDSTARTBENCH00"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "cold-start-bench-not-a-real-secret-key0000",
        ),
        ("AWS_SESSION_TOKEN", "cold-start-bench-session-token"),
        ("_HANDLER", "bootstrap"),
        ("LAMBDA_TASK_ROOT", "/var/task"),
        ("LAMBDA_RUNTIME_DIR", "/var/runtime"),
        ("LANG", "en_US.UTF-8"),
        ("TZ", ":UTC"),
        ("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Runs `binary` once with `env` (on top of Lambda's own) and `event`; its output goes to `log`.
pub async fn cold_start(
    binary: &Path,
    function: &str,
    env: &[(String, String)],
    event: Bytes,
    log: &Path,
) -> Result<Sample, String> {
    let mut api = FakeRuntimeApi::start(event)
        .await
        .map_err(|e| format!("cannot serve the fake Runtime API: {e}"))?;
    let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let mut command = Command::new(binary);
    command
        .env_clear()
        .envs(lambda_env(function, &api.addr.to_string()))
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let observed = tokio::time::timeout(GIVE_UP, async {
        let mut next = None;
        loop {
            tokio::select! {
                seen = api.seen.recv() => match seen {
                    Some(Seen::Next(at)) => next = Some(at),
                    Some(Seen::Answer(at, answer)) => {
                        let next = next.ok_or("an answer before any `next`")?;
                        return Ok((next - started, at - next, answer));
                    }
                    Some(Seen::InitError(why)) => return Err(format!("init error: {why}")),
                    None => return Err("the fake Runtime API stopped".to_owned()),
                },
                status = child.wait() => {
                    return Err(format!("exited ({status:?}) before answering; see {}", log.display()));
                }
            }
        }
    })
    .await
    .unwrap_or_else(|_| Err(format!("no answer within {GIVE_UP:?}; see {}", log.display())));
    // Read before the kill: the high-water mark covers start-up and the first invocation.
    let peak_rss = child.id().map(peak_rss).transpose();
    let _ = child.kill().await;
    let (init, first, answer) = observed?;
    Ok(Sample {
        init,
        first,
        peak_rss: peak_rss?.unwrap_or_default(),
        answer: summarise(answer),
    })
}

/// `VmHWM` of a live process, in bytes.
fn peak_rss(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("cannot read /proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
        .ok_or_else(|| format!("no VmHWM in /proc/{pid}/status"))
}

fn summarise(answer: Result<Bytes, String>) -> String {
    match answer {
        Err(_) => "error".to_owned(),
        Ok(body) => serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("statusCode").and_then(|s| s.as_u64()))
            .map_or_else(|| "ok".to_owned(), |code| code.to_string()),
    }
}
