//! A private PostgreSQL cluster under the target directory, on a free loopback port, owned by an
//! unprivileged user when the tests run as root (initdb and postgres refuse to run as root).

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) struct Cluster {
    pub port: u16,
    pub superuser: String,
    pub password: String,
}

/// Who runs initdb/postgres: ourselves, or (as root) an unprivileged system account.
#[derive(Clone, Copy)]
struct RunAs {
    uid: u32,
    gid: u32,
}

pub(crate) fn start() -> Result<Cluster, String> {
    let bin = find_bindir()?;
    let run_as = if is_root()? {
        Some(unprivileged_user()?)
    } else {
        None
    };
    let base = cluster_base(run_as)?;
    remove_stale_clusters(&base);
    let dir = base.join(std::process::id().to_string());
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let password = uuid::Uuid::new_v4().simple().to_string();
    let pwfile = dir.join("pwfile");
    fs::write(&pwfile, &password).map_err(|e| format!("cannot write {}: {e}", pwfile.display()))?;
    let data = dir.join("data");
    if let Some(user) = run_as {
        for path in [&dir, &pwfile] {
            std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid))
                .map_err(|e| format!("cannot chown {}: {e}", path.display()))?;
        }
    }

    let mut initdb = Command::new(bin.join("initdb"));
    initdb
        .arg("-D")
        .arg(&data)
        .args([
            "-U",
            "postgres",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ])
        .arg(format!("--pwfile={}", pwfile.display()));
    run_quietly(as_user(&mut initdb, run_as), "initdb")?;

    // A port taken between probing and binding makes postgres exit at once: try a few.
    let mut last_error = String::new();
    for _ in 0..5 {
        let port = free_port()?;
        match start_postgres(&bin, &data, &dir, port, run_as) {
            Ok(mut postgres) => {
                crate::watchdog::spawn(postgres.id(), "QUIT", &dir)?;
                wait_until_ready(port, &password, &mut postgres, &dir)?;
                return Ok(Cluster {
                    port,
                    superuser: "postgres".into(),
                    password,
                });
            }
            Err(e) => last_error = e,
        }
    }
    Err(last_error)
}

fn find_bindir() -> Result<PathBuf, String> {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(dir) = std::env::var_os("PG_BINDIR").map(PathBuf::from) {
        return if has_server(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "PG_BINDIR={} has no initdb/postgres",
                dir.display()
            ))
        };
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_server(&dir) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, dir)| has_server(dir))
        .collect();
    versions.sort();
    if let Some((_, dir)) = versions.pop() {
        return Ok(dir);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| has_server(dir))
        .ok_or_else(|| {
            "PostgreSQL server binaries (initdb, postgres) were not found. Install the PostgreSQL server \
             (Debian/Ubuntu: `apt-get install postgresql`), set PG_BINDIR to their directory, or set \
             DATABASE_URL to a server the tests may create databases and roles on."
                .to_owned()
        })
}

fn is_root() -> Result<bool, String> {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run `id -u`: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn unprivileged_user() -> Result<RunAs, String> {
    let passwd =
        fs::read_to_string("/etc/passwd").map_err(|e| format!("cannot read /etc/passwd: {e}"))?;
    let find = |name: &str| {
        passwd.lines().find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&name) && fields.len() > 3).then(|| {
                Some(RunAs {
                    uid: fields[2].parse().ok()?,
                    gid: fields[3].parse().ok()?,
                })
            })?
        })
    };
    find("postgres").or_else(|| find("nobody")).ok_or_else(|| {
        "running as root, but neither a `postgres` nor a `nobody` user exists to own the test cluster".into()
    })
}

/// `<target>/<profile>/test-postgres`, or the temp dir when running as root and the target
/// directory is not reachable by the cluster's unprivileged owner.
fn cluster_base(run_as: Option<RunAs>) -> Result<PathBuf, String> {
    let under_target = crate::layout::profile_dir()?.join("test-postgres");
    let reachable = |path: &Path| {
        path.ancestors().skip(1).all(|p| {
            fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o001 != 0)
                .unwrap_or(false)
        })
    };
    let base = match run_as {
        Some(_) if !reachable(&under_target) => {
            std::env::temp_dir().join("victorysync-test-postgres")
        }
        _ => under_target,
    };
    fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    if run_as.is_some() {
        let mut perms = fs::metadata(&base)
            .map_err(|e| e.to_string())?
            .permissions();
        perms.set_mode(0o755);
        fs::set_permissions(&base, perms).map_err(|e| e.to_string())?;
    }
    Ok(base)
}

/// Clusters of test processes that died without their watchdog (e.g. the machine rebooted).
fn remove_stale_clusters(base: &Path) {
    for entry in fs::read_dir(base).into_iter().flatten().flatten() {
        let alive = entry
            .file_name()
            .to_str()
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive && !entry.path().join("data/postmaster.pid").exists() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

fn as_user(command: &mut Command, run_as: Option<RunAs>) -> &mut Command {
    if let Some(user) = run_as {
        command.uid(user.uid).gid(user.gid).env("HOME", "/tmp");
    }
    command
}

fn run_quietly(command: &mut Command, what: &str) -> Result<(), String> {
    let out = command
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

fn start_postgres(
    bin: &Path,
    data: &Path,
    dir: &Path,
    port: u16,
    run_as: Option<RunAs>,
) -> Result<Child, String> {
    let log = fs::File::create(dir.join("postgres.log")).map_err(|e| e.to_string())?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    if let Some(user) = run_as {
        let _ = std::os::unix::fs::chown(dir.join("postgres.log"), Some(user.uid), Some(user.gid));
    }
    let mut postgres = Command::new(bin.join("postgres"));
    postgres
        .arg("-D")
        .arg(data)
        .arg("-p")
        .arg(port.to_string())
        // Loopback TCP only; no Unix socket to collide with a system server's.
        .args([
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
        ])
        // Durability is pointless for throw-away test data and costs seconds per test run.
        .args([
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
        ])
        .args(["-c", "max_connections=300", "-c", "shared_buffers=256MB"])
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    let mut child = as_user(&mut postgres, run_as)
        .spawn()
        .map_err(|e| format!("cannot start postgres: {e}"))?;
    std::thread::sleep(Duration::from_millis(150));
    if let Ok(Some(status)) = child.try_wait() {
        return Err(format!(
            "postgres exited at start ({status}): {}",
            fs::read_to_string(dir.join("postgres.log")).unwrap_or_default()
        ));
    }
    Ok(child)
}

fn wait_until_ready(
    port: u16,
    password: &str,
    postgres: &mut Child,
    dir: &Path,
) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let log = || fs::read_to_string(dir.join("postgres.log")).unwrap_or_default();
    loop {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let url = format!("postgres://postgres:{password}@127.0.0.1:{port}/postgres");
            let ready = crate::server::block_on(async move {
                tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .is_ok()
            });
            if ready {
                return Ok(());
            }
        }
        if let Ok(Some(status)) = postgres.try_wait() {
            return Err(format!(
                "postgres stopped while starting ({status}): {}",
                log()
            ));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "postgres did not accept connections within 30 s: {}",
                log()
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
