use tracing_subscriber::filter::LevelFilter;

/// Start-up every function's `main` does first: logging, and the process-wide TLS crypto provider
/// (aws-lc-rs, the only one in the dependency graph) so no library has to guess.
pub fn init_process() {
    init_tracing();
    // Err means another component installed the same provider first, which is fine.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// Logs go to stdout for CloudWatch: JSON when the function's log format is JSON (Lambda sets
/// `AWS_LAMBDA_LOG_FORMAT`), human-readable text otherwise. The level (`error`, `warn`, `info`,
/// `debug`, `trace` or `off`) comes from `RUST_LOG`, else Lambda's `AWS_LAMBDA_LOG_LEVEL`, else
/// `info`. One level, not per-module directives: the directive parser and its regex engine cost
/// every function's zip more than they give a Lambda.
fn init_tracing() {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .or_else(|| std::env::var("AWS_LAMBDA_LOG_LEVEL").ok())
        .and_then(|level| level.trim().to_lowercase().parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_max_level(filter)
        .with_target(false)
        // CloudWatch adds its own timestamp; Lambda's `without_time` keeps lines short.
        .without_time();
    // A second call (tests that start several apps) keeps the first subscriber.
    let _ = if json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.try_init()
    };
}
