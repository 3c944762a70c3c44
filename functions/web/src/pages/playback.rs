//! `/orgs/{orgId}/recordings/{id}/audio` and `/orgs/{orgId}/voicemails/{id}/audio`: the audio of a
//! row for the page's players, signed in by the session cookie (an `<audio>` element sends no
//! token), answered exactly as the API's playback routes answer (`actions::audio`: ranges of at
//! most 4 MiB, the access authorised and audited).

use actions::audio::{self, AudioKind};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use web::{ApiError, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::viewer::viewer;

pub async fn recording(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    play(
        &state,
        &headers,
        request_id,
        &org,
        &id,
        AudioKind::Recording,
    )
    .await
}

pub async fn voicemail(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    play(
        &state,
        &headers,
        request_id,
        &org,
        &id,
        AudioKind::Voicemail,
    )
    .await
}

async fn play(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    id: &str,
    kind: AudioKind,
) -> Result<Response, PageError> {
    let viewer = viewer(state, headers, request_id).await?;
    // Like any page of an org: a malformed id is the page that does not exist.
    let org = org
        .parse()
        .map_err(|_| PageError::from(ApiError::NotFound("organization")))?;
    Ok(audio::play(&state.actions, viewer.caller, Some(org), kind, id, headers).await?)
}
