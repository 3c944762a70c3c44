use std::path::PathBuf;
use std::process::Command;

use tokio::process::{Child, Command as AsyncCommand};

/// The directory holding a `cargo-lambda` executable: the one on PATH, or one installed with pip
/// into a virtualenv under `target/` the first time.
pub fn ensure_cargo_lambda() -> Option<PathBuf> {
    let on_path = Command::new("cargo")
        .args(["lambda", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if on_path {
        return None;
    }
    let venv = PathBuf::from("target/xtask-venv");
    let bin = venv.join("bin");
    if !bin.join("cargo-lambda").is_file() {
        println!("installing cargo-lambda into {} (pip)…", venv.display());
        let ok = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(bin.join("pip"))
                .args(["install", "--quiet", "cargo-lambda"])
                .status()
                .is_ok_and(|s| s.success());
        if !ok {
            panic!("could not install cargo-lambda: install it with `pip install cargo-lambda`");
        }
    }
    Some(std::fs::canonicalize(bin).expect("the virtualenv exists"))
}

/// `cargo lambda watch` serving every function on `port`, with the demo environment.
pub fn watch(extra_path: &Option<PathBuf>, port: u16, env: &[(String, String)]) -> Child {
    let mut command = AsyncCommand::new("cargo");
    command
        .args([
            "lambda",
            "watch",
            "--invoke-address",
            "127.0.0.1",
            "--invoke-port",
        ])
        .arg(port.to_string())
        // Inherited by the functions. (`--env-var` would split the keyring's JSON on its commas.)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .kill_on_drop(true);
    if let Some(dir) = extra_path {
        let path = std::env::var("PATH").unwrap_or_default();
        command.env("PATH", format!("{}:{path}", dir.display()));
    }
    command.spawn().expect("cargo lambda watch starts")
}
