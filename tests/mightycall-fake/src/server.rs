//! The HTTP surface: real paths (`/v4/auth/token`, `/v4/api/...`), envelopes, paging rules, error
//! bodies and auth checks as described in `shared/reference/mightycall/`.

use crate::config::JournalEnvelope;
use crate::dataset::{self, CallOutcome, FakeAccount, FakeCall};
use crate::faults::Fault;
use crate::render;
use crate::state::{LoggedRequest, Shared, State as FakeState};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

type Params = Query<HashMap<String, String>>;
type Shared_ = State<Arc<Shared>>;
/// Boxed: an early-return error response inside helpers (clippy: `result_large_err`).
type Rejection = Box<Response>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/ping", get(ping))
        .route("/phonenumbers", get(phone_numbers))
        .route("/phonenumbers/{number}", get(phone_number))
        .route("/calls", get(calls))
        .route("/calls/{id}", get(call))
        .route("/journal/requests", get(journal))
        .route("/messages/send", post(crate::messages::send))
        .route("/voicemails", get(voicemails))
        .route("/voicemails/{id}", get(voicemail))
        .route("/contacts", get(contacts))
        .route("/team", get(team))
        .route("/profile", get(profile));
    Router::new()
        .route("/v4/auth/token", post(token))
        .nest("/v4/api", api)
        .route("/Mightycall/Files/{file}", get(crate::audio::file))
        .fallback(not_routed)
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

pub(crate) fn body(status: StatusCode, value: Value) -> Response {
    (status, Json(value)).into_response()
}

/// Older endpoints' 400: `{"message","modelState"}`.
fn invalid_value(field: &str, value: &str) -> Response {
    let mut model_state = serde_json::Map::new();
    let pascal = field[..1].to_uppercase() + &field[1..];
    model_state.insert(
        field.to_owned(),
        json!([format!("The value '{value}' is not valid for {pascal}.")]),
    );
    body(
        StatusCode::BAD_REQUEST,
        json!({"message": "The request is invalid.", "modelState": model_state}),
    )
}

/// Journal/contacts 400: `{"errorCode","message","data"}`.
fn filter_malformed(data: Value) -> Response {
    body(
        StatusCode::BAD_REQUEST,
        json!({"errorCode": "FilterParamsMalformed", "message": "Filter params malformed", "data": data}),
    )
}

fn denied() -> Response {
    body(
        StatusCode::UNAUTHORIZED,
        json!({"message": "Authorization has been denied for this request."}),
    )
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = header_str(headers, header::AUTHORIZATION.as_str())?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Data endpoints want both `Authorization: Bearer` and `x-api-key`, and the token must be
/// current and issued to that api key.
pub(crate) fn authorize(state: &FakeState, headers: &HeaderMap) -> Result<String, Rejection> {
    let api_key = header_str(headers, "x-api-key").ok_or_else(|| Box::new(denied()))?;
    let token = bearer(headers)
        .and_then(|t| state.access_tokens.get(t))
        .ok_or_else(|| Box::new(denied()))?;
    if token.api_key != api_key
        || token.expires_at <= Utc::now()
        || state.account(api_key).is_none()
    {
        return Err(Box::new(denied()));
    }
    Ok(api_key.to_owned())
}

fn too_many(until: DateTime<Utc>) -> String {
    format!(
        "Too many requests. Retry after {} UTC",
        render::dotnet_utc(until)
    )
}

/// Runs before every route: counts the request against its api key, enforces the quota and fires
/// injected faults.
async fn gate(State(shared): Shared_, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let api_key = header_str(request.headers(), "x-api-key").map(str::to_owned);
    let fault = {
        let mut state = shared.lock();
        if let Some(key) = &api_key {
            let log = state.requests.entry(key.clone()).or_default();
            log.push(LoggedRequest {
                method: request.method().to_string(),
                path: path.clone(),
                query: request.uri().query().map(str::to_owned),
            });
            let spent = log.len() as u64;
            let window_start = *state
                .quota_window_start
                .entry(key.clone())
                .or_insert_with(Utc::now);
            if state.quota.is_some_and(|quota| spent > quota) {
                // Blocked until the 24 h window resets; documented only as a body message.
                let message = too_many(window_start + TimeDelta::hours(24));
                return body(StatusCode::TOO_MANY_REQUESTS, json!({ "message": message }));
            }
        }
        let fault = state
            .faults
            .iter_mut()
            .find_map(|rule| rule.fire(&path).then(|| rule.fault.clone()));
        if fault == Some(Fault::ExpireToken)
            && let Some(token) =
                bearer(request.headers()).and_then(|t| state.access_tokens.get_mut(t))
        {
            token.expires_at = Utc::now() - TimeDelta::seconds(1);
        }
        fault
    };
    match fault {
        Some(Fault::RateLimited { retry_after }) => {
            let until = Utc::now() + TimeDelta::from_std(retry_after).unwrap_or_default();
            let mut response = body(
                StatusCode::TOO_MANY_REQUESTS,
                json!({ "message": too_many(until) }),
            );
            if let Ok(value) = HeaderValue::from_str(&retry_after.as_secs().to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        Some(Fault::ServerError { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, "<html><body>Service Unavailable</body></html>").into_response()
        }
        Some(Fault::Slow { delay }) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Fault::MalformedJson) => {
            let _ = next.run(request).await;
            (
                [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
                "{\"data\":{\"calls\":[{\"id\":\"7e73",
            )
                .into_response()
        }
        Some(Fault::NullField { field }) => null_field(next.run(request).await, field).await,
        Some(Fault::ExpireToken) | None => next.run(request).await,
    }
}

async fn null_field(response: Response, field: &str) -> Response {
    let (parts, raw) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(raw, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if let Some(data) = value.get_mut("data").and_then(Value::as_object_mut) {
        data.insert(field.to_owned(), Value::Null);
    }
    body(parts.status, value)
}

async fn not_routed(request: Request) -> Response {
    let message = format!(
        "No HTTP resource was found that matches the request URI '{}'.",
        request.uri().path()
    );
    body(StatusCode::NOT_FOUND, json!({ "message": message }))
}

/// `POST /v4/auth/token`, form-encoded, with `x-api-key`. Failures answer like MightyCall's OAuth
/// server: 400 `{"error": …}`.
async fn token(
    State(shared): Shared_,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let oauth_error = |error: &str| body(StatusCode::BAD_REQUEST, json!({ "error": error }));
    let Ok(Form(form)) = form else {
        return oauth_error("unsupported_grant_type");
    };
    let mut state = shared.lock();
    let Some(api_key) = header_str(&headers, "x-api-key")
        .filter(|k| state.account(k).is_some())
        .map(str::to_owned)
    else {
        return oauth_error("invalid_client");
    };
    let field = |name: &str| form.get(name).map(String::as_str);
    match field("grant_type") {
        Some("client_credentials") => {
            let user_key = state.account(&api_key).map(|a| a.user_key.clone());
            if field("client_id") != Some(api_key.as_str())
                || field("client_secret") != user_key.as_deref()
            {
                return oauth_error("invalid_client");
            }
        }
        Some("refresh_token") => {
            let presented = field("refresh_token").unwrap_or_default();
            if state.refresh_tokens.get(presented) != Some(&api_key) {
                return oauth_error("invalid_grant");
            }
            state.refresh_tokens.remove(presented);
        }
        _ => return oauth_error("unsupported_grant_type"),
    }
    let grant = field("grant_type").unwrap_or_default().to_owned();
    state.grants.entry(api_key.clone()).or_default().push(grant);
    let (access_token, refresh_token) = state.issue_token(&api_key);
    let expires_in = state
        .reported_expires_in
        .clone()
        .unwrap_or_else(|| json!(state.token_ttl.num_seconds()));
    body(
        StatusCode::OK,
        json!({"access_token": access_token, "token_type": "bearer", "expires_in": expires_in, "refresh_token": refresh_token}),
    )
}

/// Runs `f` on the caller's account after the auth check.
pub(crate) fn with_account(
    shared: &Shared,
    headers: &HeaderMap,
    f: impl FnOnce(&mut FakeState, &str) -> Response,
) -> Response {
    let mut state = shared.lock();
    match authorize(&state, headers) {
        Ok(api_key) => f(&mut state, &api_key),
        Err(response) => *response,
    }
}

fn account<'a>(state: &'a FakeState, api_key: &str) -> Result<&'a FakeAccount, Rejection> {
    state.account(api_key).ok_or_else(|| Box::new(denied()))
}

async fn ping() -> Response {
    body(StatusCode::OK, json!({"data": "3", "isSuccess": true}))
}

async fn phone_numbers(State(shared): Shared_, headers: HeaderMap) -> Response {
    with_account(&shared, &headers, |state, key| {
        let Ok(account) = account(state, key) else {
            return denied();
        };
        let (deleted, active): (Vec<_>, Vec<_>) = account
            .phone_numbers
            .iter()
            .partition(|p| p.deleted_at.is_some());
        let data = json!({
            "phoneNumbers": active.iter().map(|p| state.patched(render::phone_number(p))).collect::<Vec<_>>(),
            "deletedPhoneNumbers": deleted.iter().map(|p| state.patched(render::phone_number(p))).collect::<Vec<_>>(),
            // Counts active numbers only, as in real responses.
            "total": active.len(),
        });
        body(StatusCode::OK, json!({"data": data, "isSuccess": true}))
    })
}

async fn phone_number(
    State(shared): Shared_,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    with_account(&shared, &headers, |state, key| {
        let Ok(account) = account(state, key) else {
            return denied();
        };
        match account
            .phone_numbers
            .iter()
            .find(|p| p.deleted_at.is_none() && p.number == number)
        {
            Some(p) => body(
                StatusCode::OK,
                json!({"data": state.patched(render::phone_number(p)), "isSuccess": true}),
            ),
            None => body(
                StatusCode::BAD_REQUEST,
                json!({"message": "Phone number not found"}),
            ),
        }
    })
}

fn int_param(
    params: &HashMap<String, String>,
    name: &str,
    default: u64,
    min: u64,
) -> Result<u64, Rejection> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|v| *v >= min)
            .ok_or_else(|| Box::new(invalid_value(name, raw))),
    }
}

/// `/calls` and `/voicemails` take `yyyy-MM-ddTHH:mm:ss` (UTC, no offset).
fn utc_param(
    params: &HashMap<String, String>,
    name: &str,
) -> Result<Option<DateTime<Utc>>, Rejection> {
    params
        .get(name)
        .map(|raw| {
            NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
                .map(|t| t.and_utc())
                .map_err(|_| Box::new(invalid_value(name, raw)))
        })
        .transpose()
}

struct OffsetPage {
    skip: usize,
    page_size: usize,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
}

fn offset_page(
    params: &HashMap<String, String>,
    default_start: Option<DateTime<Utc>>,
) -> Result<OffsetPage, Rejection> {
    let page_size = int_param(params, "pageSize", 10, 1)?;
    let skip = int_param(params, "skip", 0, 0)?;
    Ok(OffsetPage {
        skip: usize::try_from(skip).unwrap_or(usize::MAX),
        page_size: usize::try_from(page_size).unwrap_or(usize::MAX),
        start: utc_param(params, "startUtc")?.or(default_start),
        end: utc_param(params, "endUtc")?,
    })
}

/// Newest first; a window `[start, end)`. With the duplicate-rows fault, every page after the
/// first starts one row early, as when a row arrives mid-paging and shifts the offsets.
fn select<'a>(
    calls: impl Iterator<Item = &'a FakeCall>,
    page: &OffsetPage,
    duplicate_rows: bool,
) -> (Vec<&'a FakeCall>, usize) {
    // `calls` come newest first (accounts keep that order), so no sort per request.
    let rows: Vec<&FakeCall> = calls
        .filter(|c| page.start.is_none_or(|s| c.at >= s) && page.end.is_none_or(|e| c.at < e))
        .collect();
    let total = rows.len();
    let from = if duplicate_rows && page.skip > 0 {
        page.skip - 1
    } else {
        page.skip
    };
    (
        rows.into_iter().skip(from).take(page.page_size).collect(),
        total,
    )
}

async fn calls(State(shared): Shared_, headers: HeaderMap, Query(params): Params) -> Response {
    with_account(&shared, &headers, |state, key| {
        // MightyCall's defaults: 10 rows of the last 24 h — a client that omits them misses data.
        let page = match offset_page(&params, Some(Utc::now() - TimeDelta::hours(24))) {
            Ok(page) => OffsetPage {
                end: page.end.or(Some(Utc::now())),
                ..page
            },
            Err(response) => return *response,
        };
        let Ok(account) = account(state, key) else {
            return denied();
        };
        let (rows, total) = select(account.calls.iter(), &page, state.duplicate_rows);
        let rendered: Vec<Value> = rows
            .iter()
            .map(|c| state.patched(render::call(account, c, &state.audio)))
            .collect();
        for _ in 0..state.new_calls_per_page {
            add_call(state, key, Utc::now(), true);
        }
        body(
            StatusCode::OK,
            json!({"data": {"calls": rendered, "total": total}, "isSuccess": true}),
        )
    })
}

pub(crate) fn add_call(
    state: &mut FakeState,
    api_key: &str,
    at: DateTime<Utc>,
    in_progress: bool,
) -> Option<FakeCall> {
    let numbers: Vec<String> = state
        .account(api_key)?
        .phone_numbers
        .iter()
        .filter(|p| p.deleted_at.is_none())
        .map(|p| p.number.clone())
        .collect();
    let call = state.generator.call(at, &numbers);
    let call = if in_progress {
        dataset::fresh(call)
    } else {
        call
    };
    let calls = &mut state.account_mut(api_key)?.calls;
    let at = calls.partition_point(|c| crate::dataset::newest_first(c, &call).is_lt());
    calls.insert(at, call.clone());
    Some(call)
}

async fn call(State(shared): Shared_, headers: HeaderMap, Path(id): Path<String>) -> Response {
    with_account(&shared, &headers, |state, key| {
        let Ok(account) = account(state, key) else {
            return denied();
        };
        match account
            .calls
            .iter()
            .find(|c| c.id.to_string().eq_ignore_ascii_case(&id))
        {
            Some(c) => body(
                StatusCode::OK,
                json!({"data": state.patched(render::call(account, c, &state.audio)), "isSuccess": true}),
            ),
            None => body(
                StatusCode::BAD_REQUEST,
                json!({"message": "Call not found"}),
            ),
        }
    })
}

fn is_voicemail(c: &&FakeCall) -> bool {
    c.outcome == Some(CallOutcome::VoiceMail)
}

async fn voicemails(State(shared): Shared_, headers: HeaderMap, Query(params): Params) -> Response {
    with_account(&shared, &headers, |state, key| {
        let page = match offset_page(&params, None) {
            Ok(page) => page,
            Err(response) => return *response,
        };
        let Ok(account) = account(state, key) else {
            return denied();
        };
        let (rows, total) = select(
            account.calls.iter().filter(is_voicemail),
            &page,
            state.duplicate_rows,
        );
        let rendered: Vec<Value> = rows
            .iter()
            .map(|c| state.patched(render::voicemail(account, c, &state.audio)))
            .collect();
        body(
            StatusCode::OK,
            json!({"data": {"voicemails": rendered, "total": total}, "isSuccess": true}),
        )
    })
}

async fn voicemail(State(shared): Shared_, headers: HeaderMap, Path(id): Path<String>) -> Response {
    with_account(&shared, &headers, |state, key| {
        let Ok(account) = account(state, key) else {
            return denied();
        };
        match account
            .calls
            .iter()
            .filter(is_voicemail)
            .find(|c| c.voicemail_id.to_string().eq_ignore_ascii_case(&id))
        {
            Some(c) => body(
                StatusCode::OK,
                json!({"data": state.patched(render::voicemail(account, c, &state.audio)), "isSuccess": true}),
            ),
            None => body(
                StatusCode::BAD_REQUEST,
                json!({"message": "Voicemail not found"}),
            ),
        }
    })
}

/// Query parameters `/journal/requests` knows (from the Swagger); anything else is rejected.
const JOURNAL_FILTERS: [&str; 26] = [
    "resolveContacts",
    "showExternalContacts",
    "showUsers",
    "pageSize",
    "page",
    "reverse",
    "inbound",
    "outbound",
    "callbacks",
    "origin",
    "state",
    "isRead",
    "groupId",
    "userId",
    "vmBoxId",
    "type",
    "from",
    "earliest",
    "to",
    "latest",
    "phone",
    "email",
    "wfState",
    "searchProperty",
    "searchText",
    "businessNumber",
];

fn iso_param(
    params: &HashMap<String, String>,
    name: &str,
) -> Result<Option<DateTime<Utc>>, Rejection> {
    params
        .get(name)
        .map(|raw| {
            DateTime::parse_from_rfc3339(raw)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| Box::new(filter_malformed(json!({ "malformedFilters": [name] }))))
        })
        .transpose()
}

fn journal_int(
    params: &HashMap<String, String>,
    name: &str,
    default: u64,
) -> Result<u64, Rejection> {
    match params.get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| Box::new(filter_malformed(json!({ "malformedFilters": [name] })))),
    }
}

async fn journal(State(shared): Shared_, headers: HeaderMap, Query(params): Params) -> Response {
    with_account(&shared, &headers, |state, key| {
        let unsupported: Vec<&String> = params
            .keys()
            .filter(|k| !JOURNAL_FILTERS.iter().any(|f| f.eq_ignore_ascii_case(k)))
            .collect();
        if !unsupported.is_empty() {
            return filter_malformed(json!({ "unsupportedFilters": unsupported }));
        }
        let parsed = (|| {
            let page_size = journal_int(&params, "pageSize", 100)?;
            // "Maximum page size is 1000"
            if page_size > 1000 {
                return Err(Box::new(filter_malformed(
                    json!({ "malformedFilters": ["pageSize"] }),
                )));
            }
            Ok((
                journal_int(&params, "page", 1)?,
                page_size,
                iso_param(&params, "from")?,
                iso_param(&params, "to")?,
            ))
        })();
        let (page, page_size, from, to) = match parsed {
            Ok(parsed) => parsed,
            Err(response) => return *response,
        };
        let types: Vec<String> = params
            .get("type")
            .map(|t| {
                t.split(',')
                    .map(|v| v.trim().to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_else(|| vec!["all".to_owned()]);
        let wants = |kind: &str| types.iter().any(|t| t == kind || t == "all");
        let Ok(account) = account(state, key) else {
            return denied();
        };
        let in_window =
            |at: DateTime<Utc>| from.is_none_or(|f| at >= f) && to.is_none_or(|t| at < t);
        let mut rows: Vec<(DateTime<Utc>, Value)> = Vec::new();
        if wants("call") {
            rows.extend(
                account
                    .calls
                    .iter()
                    .filter(|c| in_window(c.at))
                    .map(|c| (c.at, state.patched(render::journal_call(account, c)))),
            );
        }
        if wants("message") {
            rows.extend(
                account
                    .messages
                    .iter()
                    .filter(|m| in_window(m.at))
                    .map(|m| (m.at, state.patched(render::journal_message(account, m)))),
            );
        }
        rows.sort_by_key(|row| std::cmp::Reverse(row.0));
        let size = usize::try_from(page_size).unwrap_or(usize::MAX);
        let skip = usize::try_from(page - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(size);
        let requests: Vec<Value> = rows
            .into_iter()
            .skip(skip)
            .take(size)
            .map(|(_, v)| v)
            .collect();
        let inner = json!({ "currentPage": page, "requests": requests });
        let envelope = match state.journal_envelope {
            JournalEnvelope::Rotate => [
                JournalEnvelope::Bare,
                JournalEnvelope::Data,
                JournalEnvelope::Array,
            ][(page % 3) as usize],
            fixed => fixed,
        };
        body(
            StatusCode::OK,
            match envelope {
                JournalEnvelope::Data => json!({ "data": inner }),
                JournalEnvelope::Array => json!([inner]),
                JournalEnvelope::Bare | JournalEnvelope::Rotate => inner,
            },
        )
    })
}

async fn contacts(State(shared): Shared_, headers: HeaderMap, Query(params): Params) -> Response {
    with_account(&shared, &headers, |state, key| {
        let parsed = (|| -> Result<_, Rejection> {
            Ok((
                journal_int(&params, "page", 1)?,
                journal_int(&params, "pageSize", 100)?,
                iso_param(&params, "updatedSince")?,
            ))
        })();
        let (page, page_size, since) = match parsed {
            Ok(parsed) => parsed,
            Err(response) => return *response,
        };
        let Ok(account) = account(state, key) else {
            return denied();
        };
        // Deleted contacts are only returned to `updatedSince`, flagged `state: "deleted"`.
        let mut rows: Vec<_> = account
            .contacts
            .iter()
            .filter(|c| match since {
                Some(since) => c.updated > since,
                None => !c.deleted,
            })
            .collect();
        rows.sort_by(|a, b| a.contact_id.cmp(&b.contact_id));
        let records = rows.len() as u64;
        let size = usize::try_from(page_size).unwrap_or(usize::MAX);
        let skip = usize::try_from(page - 1)
            .unwrap_or(usize::MAX)
            .saturating_mul(size);
        let contacts: Vec<Value> = rows
            .into_iter()
            .skip(skip)
            .take(size)
            .map(|c| state.patched(render::contact(c)))
            .collect();
        let data = json!({ "contacts": contacts, "pages": records.div_ceil(page_size), "records": records, "currentPage": page });
        body(StatusCode::OK, json!({ "data": data }))
    })
}

async fn team(State(shared): Shared_, headers: HeaderMap) -> Response {
    with_account(&shared, &headers, |state, key| match account(state, key) {
        Ok(account) => body(StatusCode::OK, render::team(account)),
        Err(response) => *response,
    })
}

async fn profile(State(shared): Shared_, headers: HeaderMap) -> Response {
    with_account(&shared, &headers, |state, key| match account(state, key) {
        Ok(account) => body(StatusCode::OK, render::profile(account)),
        Err(response) => *response,
    })
}
