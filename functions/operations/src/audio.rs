//! Recording and voicemail playback: the audio is fetched from MightyCall with the org's account
//! and passed on; no MightyCall link or token reaches the client.
//!
//! Lambda buffers at most 6 MB of response, and sends binary bodies base64-encoded (4/3 of their
//! size), so each answer carries at most [`CHUNK`] bytes (5.6 MB as base64): a request for more,
//! or for the whole of a longer file, gets a 206 with the first [`CHUNK`] bytes of what it asked
//! for and the file's size in `Content-Range`, and a player asks for the rest as it goes, as
//! `<audio>` elements do.

use axum::extract::State;
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::OrgId;
use mightycall::{
    Audio, AudioChunk, AudioLimits, AudioSource, ByteRange, FetchedAudio, MightyCallError,
};
use serde::Deserialize;
use serde_json::json;
use store::audio::{AudioKind, StoredAudio};
use sync_engine::FetchCallError;
use utoipa::{IntoParams, IntoResponses};
use uuid::Uuid;
use web::openapi::ErrorReply;
use web::{ApiError, ApiPath, ApiQuery, Caller, Need, OrgScope, ReadErrors};

use crate::OperationsState;
use crate::range;

/// The most one answer carries: 4 MiB, 5.6 MB once base64-encoded, under Lambda's 6 MB.
pub const CHUNK: u64 = 4 * 1024 * 1024;
/// Larger files are not served (422 `audio_too_large`): an hour of 16-bit 8 kHz WAV is 57.6 MB.
pub const MAX_SIZE: u64 = 100 * 1024 * 1024;
const LIMITS: AudioLimits = AudioLimits {
    chunk: CHUNK,
    max_size: MAX_SIZE,
};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AudioQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AudioPath {
    /// The `id` of a row of the list (`/api/mightycall/recordings` or `/voicemails`).
    #[param(value_type = uuid::Uuid)]
    id: String,
}

/// The `Range` parameter; its pattern (a literal in each route's attribute) is the grammar
/// `range::requested` reads, bar `last` before `first`, which is 400 too.
const RANGE_PARAM: &str = "One byte range: `bytes=first-last`, `bytes=first-` or `bytes=-length`";

/// What an audio route answers, beside [`ReadErrors`].
#[derive(IntoResponses)]
pub enum AudioReplies {
    /// The whole file, when it fits one answer and no `Range` was sent.
    #[response(status = 200, content_type = "audio/*",
        headers(("Accept-Ranges" = String), ("Content-Length" = u64)))]
    Whole(String),
    /// At most 4 MiB of the range asked for (or of the file), with `Content-Range: bytes
    /// first-last/size`.
    #[response(status = 206, content_type = "audio/*",
        headers(("Accept-Ranges" = String), ("Content-Length" = u64), ("Content-Range" = String)))]
    Part(String),
    /// The org's MightyCall integration is missing, disabled or its credentials were refused.
    #[response(status = 409)]
    Unusable(ErrorReply),
    /// The range lies outside the file (`Content-Range: bytes */size`).
    #[response(status = 416)]
    OutsideTheFile(ErrorReply),
    /// The file is larger than 100 MiB (`audio_too_large`).
    #[response(status = 422)]
    TooLarge(ErrorReply),
    /// Today's MightyCall request budget is spent, or MightyCall asks to slow down.
    #[response(status = 429)]
    Budget(ErrorReply),
}

/// A call recording's audio (members; a scoped agent: their own calls' only).
#[utoipa::path(get, path = "/api/mightycall/recordings/{id}/audio", tag = "operations",
    operation_id = "recording_audio",
    params(AudioPath, AudioQuery, ("Range" = Option<String>, Header, description = RANGE_PARAM, pattern = r"^bytes=([0-9]+-[0-9]*|-[0-9]+)$")),
    responses(AudioReplies, ReadErrors))]
pub async fn recording(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiPath(path): ApiPath<AudioPath>,
    ApiQuery(query): ApiQuery<AudioQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = AudioKind::Recording;
    play(&state, caller, kind, &path, &query, &headers).await
}

/// A voicemail's audio (members; a scoped agent: the voicemails assigned to them only).
#[utoipa::path(get, path = "/api/mightycall/voicemails/{id}/audio", tag = "operations",
    operation_id = "voicemail_audio",
    params(AudioPath, AudioQuery, ("Range" = Option<String>, Header, description = RANGE_PARAM, pattern = r"^bytes=([0-9]+-[0-9]*|-[0-9]+)$")),
    responses(AudioReplies, ReadErrors))]
pub async fn voicemail(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiPath(path): ApiPath<AudioPath>,
    ApiQuery(query): ApiQuery<AudioQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let kind = AudioKind::Voicemail;
    play(&state, caller, kind, &path, &query, &headers).await
}

fn name(kind: AudioKind) -> &'static str {
    match kind {
        AudioKind::Recording => "recording",
        AudioKind::Voicemail => "voicemail",
    }
}

/// Authorises and audits the access, then asks MightyCall — outside the transaction, which must
/// not stay open for an upstream request.
async fn play(
    state: &OperationsState,
    caller: Caller,
    kind: AudioKind,
    path: &AudioPath,
    query: &AudioQuery,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let org = query
        .org_id
        .as_deref()
        .map(str::parse::<OrgId>)
        .transpose()
        .map_err(|_| ApiError::BadRequest {
            code: "invalid_org_id",
            message: "orgId must be a UUID".into(),
        })?;
    let id = Uuid::parse_str(&path.id).map_err(|_| ApiError::BadRequest {
        code: "invalid_id",
        message: format!("the {} id must be a UUID", name(kind)),
    })?;
    let range = range::requested(headers)?;
    let (org, stored) = open(state, caller, org, kind, id, headers).await?;
    match fetch(state, org, kind, id, &stored, range).await? {
        Audio::Chunk(chunk) => Ok(answer(chunk, range.is_none())),
        Audio::Missing => Err(ApiError::NotFound("audio")),
        // Only an empty file has no bytes to give for a request without a range: no audio either.
        Audio::Unsatisfiable { .. } if range.is_none() => Err(ApiError::NotFound("audio")),
        Audio::Unsatisfiable { size } => Err(ApiError::RangeNotSatisfiable { size }),
        Audio::TooLarge { size } => Err(ApiError::Unprocessable {
            code: "audio_too_large",
            message: format!("the file is {size} bytes; files up to {MAX_SIZE} bytes are served"),
        }),
    }
}

/// The row `id` if the caller may see it — else the same 404 whatever the reason (unknown,
/// another org's, another agent's), so ids cannot be probed — with the access audited.
async fn open(
    state: &OperationsState,
    caller: Caller,
    org: Option<OrgId>,
    kind: AudioKind,
    id: Uuid,
    headers: &HeaderMap,
) -> Result<(OrgId, StoredAudio), ApiError> {
    let scope = OrgScope::open(&state.core, caller, org, Need::Member).await?;
    let view = store::reports::terms(scope.tx(), scope.org)
        .await?
        .ok_or(ApiError::NotFound("organization"))?
        .view;
    let stored = store::audio::find(scope.tx(), scope.org, kind, id, &view)
        .await?
        .ok_or(ApiError::NotFound(name(kind)))?;
    let action = match kind {
        AudioKind::Recording => "recording.audio_accessed",
        AudioKind::Voicemail => "voicemail.audio_accessed",
    };
    // Already checked to be one byte range.
    let asked = headers.get(RANGE).and_then(|v| v.to_str().ok());
    scope
        .audit(action, Some(&id.to_string()), json!({ "range": asked }))
        .await?;
    let org = scope.org;
    scope.commit().await?;
    Ok((org, stored))
}

/// The audio from MightyCall with `org`'s account; a fresh link it named is kept.
async fn fetch(
    state: &OperationsState,
    org: OrgId,
    kind: AudioKind,
    id: Uuid,
    stored: &StoredAudio,
    range: Option<ByteRange>,
) -> Result<Audio, ApiError> {
    let source = match kind {
        AudioKind::Recording => AudioSource::Call(&stored.mightycall_id),
        AudioKind::Voicemail => AudioSource::Voicemail(&stored.mightycall_id),
    };
    let range = range.unwrap_or(ByteRange::WHOLE);
    let fetched = state
        .engine
        .for_org(org, async |client| {
            client
                .audio(source, stored.link.as_deref(), range, LIMITS)
                .await
        })
        .await;
    let FetchedAudio { audio, fresh_link } = upstream(fetched)?;
    if let Some(link) = fresh_link {
        // The next chunk then needs no second request; a failure only costs that request again.
        let saved = async {
            let tx = state.core.db.as_service().await?;
            store::audio::save_link(&tx, org, kind, id, link.expose()).await?;
            tx.commit().await
        };
        if let Err(e) = saved.await {
            tracing::warn!(error = %e, "could not keep the fresh recording link");
        }
    }
    Ok(audio)
}

/// MightyCall's and the engine's failures as answers; none carries upstream text.
fn upstream(
    fetched: Result<Result<FetchedAudio, MightyCallError>, FetchCallError>,
) -> Result<FetchedAudio, ApiError> {
    let unusable = |code: &'static str| ApiError::Conflict {
        code,
        message: "the organisation's MightyCall integration is missing, disabled or was refused; \
            an org admin can fix it"
            .into(),
    };
    match fetched {
        Ok(Ok(audio)) => Ok(audio),
        Ok(Err(MightyCallError::QuotaExhausted { .. })) => Err(ApiError::TooManyRequests {
            code: "mightycall_budget_spent",
            message: "today's MightyCall request budget is spent; playback resumes tomorrow (UTC)"
                .into(),
        }),
        Ok(Err(MightyCallError::RateLimited { .. })) => Err(ApiError::TooManyRequests {
            code: "mightycall_rate_limited",
            message: "MightyCall asks to slow down; retry in a minute".into(),
        }),
        Ok(Err(MightyCallError::Unauthorized { .. })) => {
            Err(unusable("mightycall_credentials_rejected"))
        }
        Ok(Err(MightyCallError::BudgetUnavailable { .. })) => {
            Err(ApiError::Unavailable("the database"))
        }
        Ok(Err(e)) => {
            tracing::warn!(code = e.code(), "MightyCall could not deliver audio");
            Err(ApiError::Unavailable("MightyCall"))
        }
        Err(FetchCallError::Upstream(
            code @ ("no_credentials" | "integration_disabled" | "credentials_unreadable"),
        )) => Err(unusable(code)),
        Err(FetchCallError::Upstream(code)) => {
            tracing::warn!(code, "MightyCall could not be asked for audio");
            Err(ApiError::Unavailable("MightyCall"))
        }
        Err(FetchCallError::Engine(sync_engine::EngineError::Store(e))) => Err(e.into()),
        Err(FetchCallError::Engine(e)) => Err(ApiError::internal(e)),
    }
}

/// 200 with the whole file when it was asked for without a range and fits; else 206.
fn answer(chunk: AudioChunk, whole_asked: bool) -> Response {
    let AudioChunk {
        content_type,
        start,
        size,
        bytes,
    } = chunk;
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let whole = whole_asked && start == 0 && len == size;
    let status = if whole {
        StatusCode::OK
    } else {
        StatusCode::PARTIAL_CONTENT
    };
    let mut headers: Vec<(HeaderName, String)> = vec![
        (CONTENT_TYPE, content_type),
        (CONTENT_LENGTH, len.to_string()),
        (ACCEPT_RANGES, "bytes".into()),
        // Someone's call: kept by no cache.
        (CACHE_CONTROL, "private, no-store".into()),
        (
            HeaderName::from_static("x-content-type-options"),
            "nosniff".into(),
        ),
    ];
    if !whole {
        let last = start.saturating_add(len).saturating_sub(1);
        headers.push((CONTENT_RANGE, format!("bytes {start}-{last}/{size}")));
    }
    let mut response = (status, bytes).into_response();
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
