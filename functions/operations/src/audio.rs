//! The playback routes: recordings' and voicemails' audio through `actions::audio`, in chunks of
//! at most 4 MiB (Lambda's 6 MB response limit, base64).

use actions::audio::{self, AudioKind};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, IntoResponses};
use web::openapi::ErrorReply;
use web::{ApiError, ApiPath, ApiQuery, Caller, ReadErrors};

use crate::OperationsState;

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
    play(
        &state,
        caller,
        AudioKind::Recording,
        &path,
        &query,
        &headers,
    )
    .await
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
    play(
        &state,
        caller,
        AudioKind::Voicemail,
        &path,
        &query,
        &headers,
    )
    .await
}

async fn play(
    state: &OperationsState,
    caller: Caller,
    kind: AudioKind,
    path: &AudioPath,
    query: &AudioQuery,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let org = web::params::org(query.org_id.as_deref())?;
    audio::play(&state.actions, caller, org, kind, &path.id, headers).await
}
