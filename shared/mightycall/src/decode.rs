//! Response envelopes and per-record decoding: one bad record must not fail a page, so each record
//! is decoded on its own and failures are counted and reported instead.

use crate::error::MightyCallError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A record of a page that could not be read; the rest of the page is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedRecord {
    /// Position within the page.
    pub index: usize,
    /// The record's id when it could still be seen.
    pub id: Option<String>,
    pub reason: String,
}

pub(crate) struct Decoded<T> {
    pub(crate) items: Vec<T>,
    pub(crate) skipped: Vec<SkippedRecord>,
}

pub(crate) fn parse_body<T: DeserializeOwned>(
    context: &str,
    body: &[u8],
) -> Result<T, MightyCallError> {
    serde_json::from_slice(body).map_err(|e| MightyCallError::decode(context, e))
}

pub(crate) fn records<T: DeserializeOwned>(context: &str, values: Vec<Value>) -> Decoded<T> {
    let mut decoded = Decoded {
        items: Vec::with_capacity(values.len()),
        skipped: Vec::new(),
    };
    for (index, value) in values.into_iter().enumerate() {
        let id = ["id", "contactId", "number"]
            .iter()
            .find_map(|key| value.get(key).and_then(Value::as_str).map(str::to_owned));
        match serde_json::from_value::<T>(value) {
            Ok(item) => decoded.items.push(item),
            Err(e) => {
                tracing::warn!(context, index, id = id.as_deref(), reason = %e, "skipping unreadable MightyCall record");
                decoded.skipped.push(SkippedRecord {
                    index,
                    id,
                    reason: e.to_string(),
                });
            }
        }
    }
    decoded
}

/// `{"data": …, "isSuccess": true}`, the envelope of the older endpoints.
#[derive(Deserialize)]
pub(crate) struct DataEnvelope<T> {
    pub(crate) data: T,
}

/// The journal answers in any of three shapes: bare `{"currentPage","requests"}`, the same wrapped
/// in `{"data": …}`, or a one-element array of it.
pub(crate) fn journal_page(body: &[u8]) -> Result<Vec<Value>, MightyCallError> {
    const CONTEXT: &str = "journal requests";
    let mut value: Value = parse_body(CONTEXT, body)?;
    if let Value::Array(items) = value {
        value = items
            .into_iter()
            .next()
            .ok_or_else(|| MightyCallError::decode(CONTEXT, "empty array envelope"))?;
    }
    if let Some(data) = value
        .get_mut("data")
        .filter(|d| d.is_object())
        .map(Value::take)
    {
        value = data;
    }
    match value.get_mut("requests").map(Value::take) {
        Some(Value::Array(requests)) => Ok(requests),
        Some(Value::Null) => Ok(Vec::new()),
        _ => Err(MightyCallError::decode(CONTEXT, "no requests list")),
    }
}
