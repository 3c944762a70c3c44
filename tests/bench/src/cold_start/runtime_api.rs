//! A fake Lambda Runtime API on loopback for one process: it hands out one event on the first
//! `GET …/invocation/next`, records when that request and the answer arrived, and leaves every
//! later `next` pending, as Lambda does while a sandbox is frozen.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use tokio::sync::mpsc;

/// What the process did, in order of arrival.
#[derive(Debug)]
pub enum Seen {
    /// Its first `next`, i.e. the end of its init phase.
    Next(Instant),
    /// Its answer to the event: the body of `…/response`, or why it failed (`…/error`).
    Answer(Instant, Result<Bytes, String>),
    /// It reported that it could not start (`…/init/error`).
    InitError(String),
}

struct Api {
    event: Bytes,
    served: AtomicBool,
    seen: mpsc::UnboundedSender<Seen>,
}

/// Serves until dropped; `addr` goes into `AWS_LAMBDA_RUNTIME_API`.
pub struct FakeRuntimeApi {
    pub addr: SocketAddr,
    pub seen: mpsc::UnboundedReceiver<Seen>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeRuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

const REQUEST_ID: &str = "cold-start-0001";

impl FakeRuntimeApi {
    pub async fn start(event: Bytes) -> std::io::Result<Self> {
        let (tx, seen) = mpsc::unbounded_channel();
        let api = Arc::new(Api {
            event,
            served: AtomicBool::new(false),
            seen: tx,
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(response),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(api);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, seen, server })
    }
}

async fn next(State(api): State<Arc<Api>>) -> (HeaderMap, Bytes) {
    let now = Instant::now();
    if api.served.swap(true, Ordering::SeqCst) {
        // The process is done with its one invocation: keep it waiting until it is killed.
        std::future::pending::<()>().await;
    }
    let _ = api.seen.send(Seen::Next(now));
    let deadline = SystemTime::now() + Duration::from_secs(29);
    let deadline_ms = deadline
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("lambda-runtime-aws-request-id", REQUEST_ID.into());
    set("lambda-runtime-deadline-ms", deadline_ms.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:cold-start".into(),
    );
    set(
        "lambda-runtime-trace-id",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0".into(),
    );
    (headers, api.event.clone())
}

async fn response(State(api): State<Arc<Api>>, body: Bytes) -> StatusCode {
    let _ = api.seen.send(Seen::Answer(Instant::now(), Ok(body)));
    StatusCode::ACCEPTED
}

async fn error(State(api): State<Arc<Api>>, body: Bytes) -> StatusCode {
    let why = String::from_utf8_lossy(&body).into_owned();
    let _ = api.seen.send(Seen::Answer(Instant::now(), Err(why)));
    StatusCode::ACCEPTED
}

async fn init_error(State(api): State<Arc<Api>>, body: Bytes) -> StatusCode {
    let why = String::from_utf8_lossy(&body).into_owned();
    let _ = api.seen.send(Seen::InitError(why));
    StatusCode::ACCEPTED
}
