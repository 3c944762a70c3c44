//! Recording and voicemail playback: the audio is fetched from MightyCall with the org's account
//! and passed on; no MightyCall link or token reaches the client.
//!
//! Lambda buffers at most 6 MB of response, and sends binary bodies base64-encoded (4/3 of their
//! size), so each answer carries at most [`CHUNK`] bytes (5.6 MB as base64): a request for more,
//! or for the whole of a longer file, gets a 206 with the first [`CHUNK`] bytes of what it asked
//! for and the file's size in `Content-Range`, and a player asks for the rest as it goes, as
//! `<audio>` elements do.

use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::OrgId;
use mightycall::{
    Audio, AudioChunk, AudioLimits, AudioSource, ByteRange, FetchedAudio, MightyCallError,
};
use serde_json::json;
pub use store::audio::AudioKind;
use store::audio::StoredAudio;
use sync_engine::FetchCallError;
use uuid::Uuid;
use web::{ApiError, Caller, Need, OrgScope};

use crate::{Actions, range};

/// The most one answer carries: 4 MiB, 5.6 MB once base64-encoded, under Lambda's 6 MB.
pub const CHUNK: u64 = 4 * 1024 * 1024;
/// Larger files are not served (422 `audio_too_large`): an hour of 16-bit 8 kHz WAV is 57.6 MB.
pub const MAX_SIZE: u64 = 100 * 1024 * 1024;
const LIMITS: AudioLimits = AudioLimits {
    chunk: CHUNK,
    max_size: MAX_SIZE,
};

fn name(kind: AudioKind) -> &'static str {
    match kind {
        AudioKind::Recording => "recording",
        AudioKind::Voicemail => "voicemail",
    }
}

/// `id`'s audio (a row of the recordings or voicemails list) for `caller` in `org` (their only
/// org when `None`), within the one byte range `headers` ask for. Authorises and audits the access, then asks MightyCall — outside the transaction, which must
/// not stay open for an upstream request.
pub async fn play(
    actions: &Actions,
    caller: Caller,
    org: Option<OrgId>,
    kind: AudioKind,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::BadRequest {
        code: "invalid_id",
        message: format!("the {} id must be a UUID", name(kind)),
    })?;
    let range = range::requested(headers)?;
    let (org, stored) = open(actions, caller, org, kind, id, headers).await?;
    match fetch(actions, org, kind, id, &stored, range).await? {
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
    actions: &Actions,
    caller: Caller,
    org: Option<OrgId>,
    kind: AudioKind,
    id: Uuid,
    headers: &HeaderMap,
) -> Result<(OrgId, StoredAudio), ApiError> {
    let scope = OrgScope::open(&actions.core, caller, org, Need::Member).await?;
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
    actions: &Actions,
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
    let fetched = actions
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
            let tx = actions.core.db.as_service().await?;
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
