//! [`MightyCallClient`]: authenticated calls to the REST endpoints a sync uses.

mod audio;
pub(crate) mod messages;

pub use audio::{Audio, AudioChunk, AudioLimits, AudioSource, ByteRange, FetchedAudio, RecordLink};

use crate::auth::{Grant, request_token};
use crate::budget::RequestBudget;
use crate::config::{BaseUrl, ClientConfig, Credentials, PageSize, UtcWindow};
use crate::decode::{DataEnvelope, journal_page, parse_body, records};
use crate::error::MightyCallError;
use crate::models::{
    Call, Contact, JournalRequest, JournalType, PhoneNumbers, Profile, Team, Voicemail,
};
use crate::paging::{Page, PageCursor, RawPage, paginate};
use crate::time::{format_iso_utc, format_query_utc};
use crate::token::CachedToken;
use crate::transport::{Transport, error_for};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::{Arc, Mutex, PoisonError};

/// `/calls` over a closed window. `startUtc`, `endUtc` and `pageSize` are always sent: omitted, the
/// API silently falls back to the last 24 h and 10 rows.
#[derive(Debug, Clone)]
pub struct CallsQuery {
    pub window: UtcWindow,
    pub page_size: PageSize,
    /// Resume point (`PageCursor::Offset`); 0 for a fresh sync.
    pub skip: u32,
}

impl CallsQuery {
    pub fn new(window: UtcWindow) -> Self {
        Self {
            window,
            page_size: PageSize::default(),
            skip: 0,
        }
    }
}

/// `/voicemails` over a closed window, offset-paged like `/calls`.
#[derive(Debug, Clone)]
pub struct VoicemailsQuery {
    pub window: UtcWindow,
    pub page_size: PageSize,
    pub skip: u32,
}

impl VoicemailsQuery {
    pub fn new(window: UtcWindow) -> Self {
        Self {
            window,
            page_size: PageSize::default(),
            skip: 0,
        }
    }
}

/// `/journal/requests` over a closed window; `kind: Some(JournalType::Message)` lists SMS.
#[derive(Debug, Clone)]
pub struct JournalQuery {
    pub window: UtcWindow,
    pub kind: Option<JournalType>,
    pub page_size: PageSize,
    /// Resume point (`PageCursor::Number`), from 1.
    pub page: u32,
}

impl JournalQuery {
    pub fn new(window: UtcWindow, kind: Option<JournalType>) -> Self {
        Self {
            window,
            kind,
            page_size: PageSize::default(),
            page: 1,
        }
    }
}

/// `/contacts`; with `updated_since` the API also returns deletions (`state: "deleted"`).
#[derive(Debug, Clone)]
pub struct ContactsQuery {
    pub updated_since: Option<DateTime<Utc>>,
    pub page_size: PageSize,
    pub page: u32,
}

impl ContactsQuery {
    pub fn new(updated_since: Option<DateTime<Utc>>) -> Self {
        Self {
            updated_since,
            page_size: PageSize::default(),
            page: 1,
        }
    }
}

/// Cheap to clone (clones share the token cache and budget). One client per organisation.
#[derive(Clone)]
pub struct MightyCallClient {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: BaseUrl,
    credentials: Credentials,
    transport: Transport,
    token: Mutex<Option<CachedToken>>,
    /// Serialises token requests so concurrent pages do not each spend one.
    renewing: tokio::sync::Mutex<()>,
}

type Query = Vec<(&'static str, String)>;

impl MightyCallClient {
    /// `token` is a previously persisted [`MightyCallClient::token_snapshot`]; one issued for another
    /// api key is ignored.
    pub fn new(config: ClientConfig, token: Option<CachedToken>) -> Result<Self, MightyCallError> {
        let budget = config
            .budget
            .map(|b| (b, config.credentials.api_key.fingerprint()));
        let transport = Transport::new(config.timeouts, config.retry, budget)?;
        let token = token.filter(|t| t.belongs_to(&config.credentials.api_key));
        Ok(Self {
            inner: Arc::new(Inner {
                base_url: config.base_url,
                credentials: config.credentials,
                transport,
                token: Mutex::new(token),
                renewing: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The current token, to persist after a sync (a fresh one costs quota).
    pub fn token_snapshot(&self) -> Option<CachedToken> {
        self.inner
            .token
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes sure the client holds a valid token, requesting one only when it has none (or it is
    /// near expiry). Used to check credentials when an organisation saves them: one request.
    pub async fn authenticate(&self) -> Result<(), MightyCallError> {
        self.valid_token().await.map(|_| ())
    }

    pub fn budget(&self) -> Option<&RequestBudget> {
        self.inner.transport.budget()
    }

    /// `GET /api/ping`: needs no auth; returns the API version (`"3"`).
    pub async fn ping(&self) -> Result<String, MightyCallError> {
        let url = self.inner.base_url.api("/ping");
        let response = self
            .inner
            .transport
            .send("ping", || self.inner.transport.http().get(&url))
            .await?;
        if !response.status.is_success() {
            return Err(self.scrub(error_for(response.status, &response.body)));
        }
        let envelope: DataEnvelope<Value> = parse_body("ping", &response.body)?;
        Ok(match envelope.data {
            Value::String(version) => version,
            other => other.to_string(),
        })
    }

    pub async fn profile(&self) -> Result<Profile, MightyCallError> {
        let body = self.get("profile", "/profile", Vec::new()).await?;
        parse_body::<DataEnvelope<Profile>>("profile", &body).map(|e| e.data)
    }

    /// `GET /team` answers bare `{"users","groups","vmboxes"}`; a `data` wrapper is accepted too.
    pub async fn team(&self) -> Result<Team, MightyCallError> {
        let body = self.get("team", "/team", Vec::new()).await?;
        let mut value: Value = parse_body("team", &body)?;
        if let Some(data) = value
            .get_mut("data")
            .filter(|d| d.is_object())
            .map(Value::take)
        {
            value = data;
        }
        serde_json::from_value(value).map_err(|e| MightyCallError::decode("team", e))
    }

    /// Active and deleted business numbers (one request, no paging).
    pub async fn phone_numbers(&self) -> Result<PhoneNumbers, MightyCallError> {
        const CONTEXT: &str = "phone numbers";
        let body = self
            .get("phonenumbers", "/phonenumbers", Vec::new())
            .await?;
        let mut data = parse_body::<DataEnvelope<Value>>(CONTEXT, &body)?.data;
        let active = records(CONTEXT, take_list(&mut data, "phoneNumbers", CONTEXT)?);
        let deleted = records(
            CONTEXT,
            take_list(&mut data, "deletedPhoneNumbers", CONTEXT).unwrap_or_default(),
        );
        let mut skipped = active.skipped;
        skipped.extend(deleted.skipped);
        Ok(PhoneNumbers {
            active: active.items,
            deleted: deleted.items,
            total: data["total"].as_u64(),
            skipped,
        })
    }

    /// `GET /calls/{id}` (also the way to a fresh recording `uri`). Unknown ids come back as
    /// `NotFound` although MightyCall answers them with HTTP 400.
    pub async fn call(&self, id: &str) -> Result<Call, MightyCallError> {
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| MightyCallError::BadRequest {
            details: "call id must be a GUID".to_owned(),
        })?;
        let body = self
            .get(
                "calls/{id}",
                &format!("/calls/{}", id.hyphenated()),
                Vec::new(),
            )
            .await?;
        parse_body::<DataEnvelope<Call>>("call", &body).map(|e| e.data)
    }

    pub fn calls(
        &self,
        query: CallsQuery,
    ) -> BoxStream<'static, Result<Page<Call>, MightyCallError>> {
        self.offset_stream(
            "calls",
            "/calls",
            "calls",
            query.window,
            query.page_size,
            query.skip,
        )
    }

    pub fn voicemails(
        &self,
        query: VoicemailsQuery,
    ) -> BoxStream<'static, Result<Page<Voicemail>, MightyCallError>> {
        self.offset_stream(
            "voicemails",
            "/voicemails",
            "voicemails",
            query.window,
            query.page_size,
            query.skip,
        )
    }

    /// Journal pages until a short page (the journal reports no total).
    pub fn journal(
        &self,
        query: JournalQuery,
    ) -> BoxStream<'static, Result<Page<JournalRequest>, MightyCallError>> {
        let client = self.clone();
        let page_size = query.page_size;
        paginate(
            PageCursor::Number {
                page: query.page.max(1),
            },
            page_size,
            move |cursor| {
                let client = client.clone();
                let query = query.clone();
                async move {
                    let mut params: Query = vec![
                        ("from", format_iso_utc(query.window.start())),
                        ("to", format_iso_utc(query.window.end())),
                        ("page", cursor.position().to_string()),
                        ("pageSize", page_size.get().to_string()),
                    ];
                    if let Some(kind) = &query.kind {
                        params.push(("type", kind.as_str().to_owned()));
                    }
                    let body = client
                        .get("journal/requests", "/journal/requests", params)
                        .await?;
                    let requests = journal_page(&body)?;
                    Ok(RawPage {
                        returned: requests.len(),
                        decoded: records("journal requests", requests),
                        total: None,
                        pages: None,
                    })
                }
            },
        )
    }

    pub fn contacts(
        &self,
        query: ContactsQuery,
    ) -> BoxStream<'static, Result<Page<Contact>, MightyCallError>> {
        const CONTEXT: &str = "contacts";
        let client = self.clone();
        let page_size = query.page_size;
        paginate(
            PageCursor::Number {
                page: query.page.max(1),
            },
            page_size,
            move |cursor| {
                let client = client.clone();
                let updated_since = query.updated_since;
                async move {
                    let mut params: Query = vec![
                        ("page", cursor.position().to_string()),
                        ("pageSize", page_size.get().to_string()),
                    ];
                    if let Some(since) = updated_since {
                        params.push(("updatedSince", format_iso_utc(since)));
                    }
                    let body = client.get(CONTEXT, "/contacts", params).await?;
                    let mut data = parse_body::<DataEnvelope<Value>>(CONTEXT, &body)?.data;
                    let contacts = take_list(&mut data, "contacts", CONTEXT)?;
                    Ok(RawPage {
                        returned: contacts.len(),
                        decoded: records(CONTEXT, contacts),
                        total: data["records"].as_u64(),
                        pages: data["pages"].as_u64(),
                    })
                }
            },
        )
    }

    fn offset_stream<T: crate::models::Identified + DeserializeOwned + Send + 'static>(
        &self,
        what: &'static str,
        path: &'static str,
        list_key: &'static str,
        window: UtcWindow,
        page_size: PageSize,
        skip: u32,
    ) -> BoxStream<'static, Result<Page<T>, MightyCallError>> {
        let client = self.clone();
        paginate(PageCursor::Offset { skip }, page_size, move |cursor| {
            let client = client.clone();
            async move {
                let params: Query = vec![
                    ("startUtc", format_query_utc(window.start())),
                    ("endUtc", format_query_utc(window.end())),
                    ("pageSize", page_size.get().to_string()),
                    ("skip", cursor.position().to_string()),
                ];
                let body = client.get(what, path, params).await?;
                let mut data = parse_body::<DataEnvelope<Value>>(what, &body)?.data;
                let rows = take_list(&mut data, list_key, what)?;
                Ok(RawPage {
                    returned: rows.len(),
                    decoded: records(what, rows),
                    total: data["total"].as_u64(),
                    pages: None,
                })
            }
        })
    }

    /// An authenticated GET: `Authorization: Bearer` and `x-api-key` on every call. A 401/403 gets
    /// one token refresh and one more try (an expired or revoked token); a second one fails.
    async fn get(
        &self,
        what: &'static str,
        path: &str,
        query: Query,
    ) -> Result<Bytes, MightyCallError> {
        let url = self.inner.base_url.api(path);
        let mut token = self.valid_token().await?;
        let mut refreshed = false;
        loop {
            let transport = &self.inner.transport;
            let response = transport
                .send(what, || {
                    transport
                        .http()
                        .get(&url)
                        .query(&query)
                        .bearer_auth(token.access_token())
                        .header("x-api-key", self.inner.credentials.api_key.expose())
                })
                .await
                .map_err(|e| self.scrub(e))?;
            match response.status {
                status if status.is_success() => return Ok(response.body),
                StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN if !refreshed => {
                    tracing::info!(what, "MightyCall rejected the token; refreshing once");
                    token = self.replace_rejected(&token).await?;
                    refreshed = true;
                }
                status => return Err(self.scrub(error_for(status, &response.body))),
            }
        }
    }

    /// A cached token unless it is within the refresh margin of expiry.
    async fn valid_token(&self) -> Result<CachedToken, MightyCallError> {
        let usable = |t: &CachedToken| !t.needs_refresh(Utc::now());
        if let Some(token) = self.token_snapshot().filter(usable) {
            return Ok(token);
        }
        let _renewing = self.inner.renewing.lock().await;
        let current = self.token_snapshot();
        if let Some(token) = current.clone().filter(usable) {
            return Ok(token);
        }
        self.renew(current.as_ref()).await
    }

    /// After a 401/403: renew, unless another task already did while we waited.
    async fn replace_rejected(
        &self,
        rejected: &CachedToken,
    ) -> Result<CachedToken, MightyCallError> {
        let _renewing = self.inner.renewing.lock().await;
        match self.token_snapshot() {
            Some(current) if current.access_token() != rejected.access_token() => Ok(current),
            _ => self.renew(Some(rejected)).await,
        }
    }

    /// Refresh with the refresh token when there is one; if that is refused, fall back to a new
    /// `client_credentials` token.
    async fn renew(&self, current: Option<&CachedToken>) -> Result<CachedToken, MightyCallError> {
        let inner = &self.inner;
        let request =
            |grant| request_token(&inner.transport, &inner.base_url, &inner.credentials, grant);
        let refreshed = match current.and_then(CachedToken::refresh_token) {
            Some(refresh_token) => match request(Grant::Refresh(refresh_token)).await {
                Err(MightyCallError::Unauthorized { .. } | MightyCallError::BadRequest { .. }) => {
                    None
                }
                other => Some(other),
            },
            None => None,
        };
        let token = match refreshed {
            Some(result) => result,
            None => request(Grant::ClientCredentials).await,
        }
        .map_err(|e| self.scrub(e))?;
        *inner.token.lock().unwrap_or_else(PoisonError::into_inner) = Some(token.clone());
        Ok(token)
    }

    fn scrub(&self, error: MightyCallError) -> MightyCallError {
        let token = self.token_snapshot();
        let credentials = &self.inner.credentials;
        let mut secrets = vec![credentials.api_key.expose(), credentials.user_key.expose()];
        if let Some(token) = &token {
            secrets.push(token.access_token());
            secrets.extend(token.refresh_token());
        }
        error.scrubbed(&secrets)
    }
}

fn take_list(data: &mut Value, key: &str, context: &str) -> Result<Vec<Value>, MightyCallError> {
    match data.get_mut(key).map(Value::take) {
        Some(Value::Array(items)) => Ok(items),
        Some(Value::Null) => Ok(Vec::new()),
        _ => Err(MightyCallError::decode(context, format!("no {key} list"))),
    }
}
