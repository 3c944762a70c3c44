//! `supabase-fake --listen 127.0.0.1:PORT --jwt-secret S [--issuer URL] [--site-url URL]
//! [--user email:password[:mfa]]…` Prints `SUPABASE_URL` and the anon key and serves until Ctrl-C.

use std::process::ExitCode;

use supabase_fake::{FakeAuthConfig, FakeSupabaseAuth};

const USAGE: &str = "usage: supabase-fake --listen 127.0.0.1:PORT --jwt-secret S [--issuer URL] [--site-url URL] [--user email:password[:mfa]]…";

/// A user to add: email, password, and whether they have a TOTP factor.
type NewUser = (String, String, bool);

fn parse_args(
    args: impl Iterator<Item = String>,
) -> Result<(FakeAuthConfig, Vec<NewUser>), String> {
    let mut config = FakeAuthConfig::new("");
    let mut users = Vec::new();
    let mut args = args;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--listen" => {
                config.listen = value
                    .parse()
                    .map_err(|_| format!("invalid address: {value}"))?
            }
            "--jwt-secret" => config.jwt_secret = value,
            "--issuer" => config.issuer = Some(value),
            "--site-url" => config.site_url = value,
            "--user" => {
                let mut parts = value.splitn(3, ':');
                let (Some(email), Some(password)) = (parts.next(), parts.next()) else {
                    return Err(format!("--user wants email:password[:mfa], not {value}"));
                };
                users.push((
                    email.to_owned(),
                    password.to_owned(),
                    parts.next() == Some("mfa"),
                ));
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if config.jwt_secret.len() < 32 {
        return Err("--jwt-secret must be at least 32 bytes".to_owned());
    }
    Ok((config, users))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::ERROR)
        .init();
    let (config, users) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let fake = match FakeSupabaseAuth::start(config.clone()).await {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("cannot listen on {}: {e}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    for (email, password, mfa) in &users {
        fake.add_user(email, password, *mfa);
    }
    println!(
        "fake Supabase Auth listening; SUPABASE_URL={} SUPABASE_ANON_KEY={} SUPABASE_JWT_ISSUER={}",
        fake.base_url(),
        fake.anon_key(),
        fake.issuer()
    );
    let _ = tokio::signal::ctrl_c().await;
    fake.shutdown().await;
    ExitCode::SUCCESS
}
