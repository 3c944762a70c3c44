//! Recording and voicemail files at the links `callRecord.uri` and `voicemailRecord.uri` name:
//! real WAV files (8 kHz, 16-bit mono, a 440 Hz tone) computed from their offsets, so a large one
//! costs nothing until it is read. As modelled here, a file needs the account's bearer token and
//! api key; a link expires when [`crate::FakeHandle::expire_record_links`] moves the epoch it names
//! on (403), a deleted file is 404 and its record names no file. `Range` is honoured (206, 416),
//! unless switched off (then every answer is the whole file, as a host without ranges sends).

use std::collections::{HashMap, HashSet};

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

use crate::dataset::{CallOutcome, FakeCall};
use crate::server::{authorize, body};
use crate::state::Shared;

const SAMPLE_RATE: u64 = 8_000;
const BYTES_PER_SAMPLE: u64 = 2;
const HEADER: u64 = 44;
/// Length of a file no test set: two seconds.
const DEFAULT_SECONDS: u64 = 2;

/// Which file a link names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Call,
    Voicemail,
}

/// The files' state: where links point, which epoch they are valid in, which files are gone.
pub(crate) struct AudioFiles {
    /// `http://127.0.0.1:PORT`: the fake serves its files itself.
    pub(crate) origin: String,
    pub(crate) epoch: u32,
    pub(crate) gone: HashSet<Uuid>,
    /// Data length in bytes by record id, where a test chose one.
    pub(crate) data_len: HashMap<Uuid, u64>,
    pub(crate) ranges: bool,
}

impl AudioFiles {
    pub(crate) fn new(origin: String) -> Self {
        Self {
            origin,
            epoch: 1,
            gone: HashSet::new(),
            data_len: HashMap::new(),
            ranges: true,
        }
    }

    /// The `callRecord.uri` of a recorded call; `None` when it has none (or it was deleted).
    pub(crate) fn call_link(&self, call: &FakeCall) -> Option<String> {
        (call.recorded && !self.gone.contains(&call.id)).then(|| {
            format!(
                "{}/Mightycall/Files/callrecord.wav?recordid={}&epoch={}",
                self.origin, call.id, self.epoch
            )
        })
    }

    /// The `voicemailRecord.uri` of a voicemail.
    pub(crate) fn voicemail_link(&self, call: &FakeCall) -> Option<String> {
        (!self.gone.contains(&call.voicemail_id)).then(|| {
            format!(
                "{}/Mightycall/Files/voicemail.wav?vmrecordid={}&epoch={}",
                self.origin, call.voicemail_id, self.epoch
            )
        })
    }

    /// Size in bytes of record `id`'s file.
    pub(crate) fn size(&self, id: Uuid) -> u64 {
        let data = self
            .data_len
            .get(&id)
            .copied()
            .unwrap_or(DEFAULT_SECONDS * SAMPLE_RATE * BYTES_PER_SAMPLE);
        HEADER + data
    }
}

/// Bytes `from..to` of a WAV file of `size` bytes.
pub(crate) fn wav(size: u64, from: u64, to: u64) -> Vec<u8> {
    let data = size.saturating_sub(HEADER);
    let data32 = u32::try_from(data).unwrap_or(u32::MAX);
    let mut head = Vec::with_capacity(44);
    head.extend_from_slice(b"RIFF");
    head.extend_from_slice(&data32.saturating_add(36).to_le_bytes());
    head.extend_from_slice(b"WAVEfmt ");
    head.extend_from_slice(&16u32.to_le_bytes());
    head.extend_from_slice(&1u16.to_le_bytes()); // PCM
    head.extend_from_slice(&1u16.to_le_bytes()); // mono
    head.extend_from_slice(&(SAMPLE_RATE as u32).to_le_bytes());
    head.extend_from_slice(&((SAMPLE_RATE * BYTES_PER_SAMPLE) as u32).to_le_bytes());
    head.extend_from_slice(&(BYTES_PER_SAMPLE as u16).to_le_bytes());
    head.extend_from_slice(&16u16.to_le_bytes());
    head.extend_from_slice(b"data");
    head.extend_from_slice(&data32.to_le_bytes());
    (from..to.min(size))
        .map(|at| match at.checked_sub(HEADER) {
            None => head[at as usize],
            Some(offset) => {
                let sample = offset / BYTES_PER_SAMPLE;
                let phase = (sample % SAMPLE_RATE) as f64 * 440.0 / SAMPLE_RATE as f64;
                let value = ((phase * std::f64::consts::TAU).sin() * 8_000.0) as i16;
                value.to_le_bytes()[(offset % BYTES_PER_SAMPLE) as usize]
            }
        })
        .collect()
}

/// A single `bytes=` range within `size`: `Ok(None)` for a header this host ignores (serve the
/// whole file), `Err(())` for one that lies outside the file.
fn range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
        .filter(|v| !v.contains(','))
    else {
        return Ok(None);
    };
    let Some((first, last)) = spec.split_once('-') else {
        return Ok(None);
    };
    let parsed = match (first.trim().parse::<u64>(), last.trim().parse::<u64>()) {
        (Ok(first), Ok(last)) if first <= last => (first, last.min(size.saturating_sub(1))),
        (Ok(first), Err(_)) if last.trim().is_empty() => (first, size.saturating_sub(1)),
        (Err(_), Ok(len)) if first.trim().is_empty() => {
            if len == 0 {
                return Err(());
            }
            (size.saturating_sub(len), size.saturating_sub(1))
        }
        _ => return Ok(None),
    };
    if parsed.0 >= size {
        return Err(());
    }
    Ok(Some(parsed))
}

/// `GET /Mightycall/Files/{file}?recordid=…&epoch=…` (or `vmrecordid`).
pub(crate) async fn file(
    State(shared): State<Arc<Shared>>,
    Query(params): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let headers = request.headers();
    let not_found = || body(StatusCode::NOT_FOUND, json!({"message": "File not found"}));
    let state = shared.lock();
    let api_key = match authorize(&state, headers) {
        Ok(key) => key,
        Err(response) => return *response,
    };
    let (kind, id) = match (params.get("recordid"), params.get("vmrecordid")) {
        (Some(id), None) => (Kind::Call, id),
        (None, Some(id)) => (Kind::Voicemail, id),
        _ => return not_found(),
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return not_found();
    };
    let exists = state.account(&api_key).is_some_and(|account| {
        account.calls.iter().any(|c| match kind {
            Kind::Call => c.id == id && c.recorded,
            Kind::Voicemail => c.voicemail_id == id && c.outcome == Some(CallOutcome::VoiceMail),
        })
    });
    let files = &state.audio;
    if !exists || files.gone.contains(&id) {
        return not_found();
    }
    if params.get("epoch") != Some(&files.epoch.to_string()) {
        return body(
            StatusCode::FORBIDDEN,
            json!({"message": "The link has expired"}),
        );
    }
    let size = files.size(id);
    let asked = if files.ranges {
        range(headers, size)
    } else {
        Ok(None)
    };
    let mut response = match asked {
        Err(()) => {
            let mut response = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes */{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            return response;
        }
        Ok(None) => (StatusCode::OK, wav(size, 0, size)).into_response(),
        Ok(Some((first, last))) => {
            let mut response =
                (StatusCode::PARTIAL_CONTENT, wav(size, first, last + 1)).into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("bytes {first}-{last}/{size}")) {
                response.headers_mut().insert(header::CONTENT_RANGE, value);
            }
            response
        }
    };
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    if files.ranges {
        response
            .headers_mut()
            .insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_a_wav_whose_parts_join_up() {
        let size = HEADER + 1_000;
        let whole = wav(size, 0, size);
        assert_eq!(whole.len() as u64, size);
        assert_eq!(&whole[..4], b"RIFF");
        assert_eq!(&whole[36..40], b"data");
        assert_eq!(
            u32::from_le_bytes([whole[40], whole[41], whole[42], whole[43]]),
            1_000
        );
        let joined = [wav(size, 0, 100), wav(size, 100, size)].concat();
        assert_eq!(joined, whole);
        assert!(whole[44..].iter().any(|b| *b != 0), "a tone, not silence");
    }
}
