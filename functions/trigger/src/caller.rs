//! Who is calling `POST /api/trigger`: a holder of one of the `SERVICE_KEYS` (several are valid at
//! once, for rotation), either presenting it (`x-service-key`) or signing the request with it
//! (`x-signature: t=<unix>,v1=<hex hmac-sha256 of "t.body">`), which keeps the key off the wire.

use axum::http::HeaderMap;
use chrono::TimeDelta;
use sha2::{Digest, Sha256};
use store::Db;
use store::trigger_replay::Freshness;
use web::ApiError;

/// How far a signature's time may be from the database's clock, either way.
const SIGNATURE_TOLERANCE: TimeDelta = TimeDelta::minutes(5);

/// How the caller proved it holds a key, and which one (its position in `SERVICE_KEYS`, not the
/// key): goes into the audit log.
#[derive(Clone, Copy, Debug)]
pub enum Caller {
    Key(usize),
    Signature(usize),
}

impl Caller {
    pub fn method(self) -> &'static str {
        match self {
            Self::Key(_) => "service_key",
            Self::Signature(_) => "signature",
        }
    }

    pub fn key_index(self) -> usize {
        match self {
            Self::Key(i) | Self::Signature(i) => i,
        }
    }
}

/// Why a caller was refused; `code()` is the 401's error code and the audit record's reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Missing,
    WrongKey,
    Malformed,
    Expired,
    BadSignature,
    Replayed,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing_service_key",
            Self::WrongKey => "invalid_service_key",
            Self::Malformed => "invalid_signature_header",
            Self::Expired => "signature_expired",
            Self::BadSignature => "invalid_signature",
            Self::Replayed => "signature_replayed",
        }
    }

    pub fn into_error(self) -> ApiError {
        ApiError::Unauthenticated(self.code())
    }
}

/// Checks the request's key or signature against every configured key in constant time. A
/// signature is remembered once accepted, so the same request cannot be replayed; its time is
/// judged by the database's clock (see `store::trigger_replay`), never this function's. Nothing
/// reaches the database before a signature has proved the key.
pub async fn identify(
    db: &Db,
    keys: &[settings::ServiceKey],
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Result<Caller, Refusal>, ApiError> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(presented) = header("x-service-key") {
        // No early exit: every key is compared, so timing does not tell which one is close.
        let found =
            keys.iter().enumerate().fold(
                None,
                |hit, (i, k)| if k.matches(presented) { Some(i) } else { hit },
            );
        return Ok(found.map(Caller::Key).ok_or(Refusal::WrongKey));
    }
    let Some(signature) = header("x-signature") else {
        return Ok(Err(Refusal::Missing));
    };
    let Some((time, mac)) = parse_signature(signature) else {
        return Ok(Err(Refusal::Malformed));
    };
    let found = keys.iter().enumerate().fold(None, |hit, (i, k)| {
        if verify(k, time, body, &mac) {
            Some(i)
        } else {
            hit
        }
    });
    let Some(index) = found else {
        return Ok(Err(Refusal::BadSignature));
    };
    let tx = db.as_service().await?;
    let seen = store::trigger_replay::remember(
        &tx,
        &Sha256::digest(&mac).into(),
        time,
        SIGNATURE_TOLERANCE,
    )
    .await?;
    tx.commit().await?;
    Ok(match seen {
        Freshness::Fresh => Ok(Caller::Signature(index)),
        Freshness::Replayed => Err(Refusal::Replayed),
        Freshness::OutOfWindow => Err(Refusal::Expired),
    })
}

/// `t=<unix seconds>,v1=<64 hex digits>`, in either order.
fn parse_signature(header: &str) -> Option<(i64, Vec<u8>)> {
    let (mut time, mut mac) = (None, None);
    for part in header.split(',') {
        match part.trim().split_once('=')? {
            ("t", t) => time = Some(t.parse::<i64>().ok()?),
            ("v1", v) => mac = Some(hex(v)?),
            _ => return None,
        }
    }
    Some((time?, mac.filter(|m| m.len() == 32)?))
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn verify(key: &settings::ServiceKey, time: i64, body: &[u8], mac: &[u8]) -> bool {
    key.verifies_hmac_sha256(&[format!("{time}.").as_bytes(), body], mac)
}
