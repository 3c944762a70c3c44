use std::path::Path;
use std::process::{Command, Stdio};

/// Starts a detached shell that outlives this test process: once the process is gone (however it
/// ended) it signals the helper server `pid` and removes `dir`. Tests never leave servers behind.
pub(crate) fn spawn(pid: u32, signal: &str, dir: &Path) -> Result<(), String> {
    let script = r#"while kill -0 "$1" 2>/dev/null; do sleep 0.2; done
kill -"$3" "$2" 2>/dev/null
while kill -0 "$2" 2>/dev/null; do sleep 0.1; done
rm -rf "$4""#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("watchdog")
        .arg(std::process::id().to_string())
        .arg(pid.to_string())
        .arg(signal)
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("cannot start the watchdog: {e}"))
}
