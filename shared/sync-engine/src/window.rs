use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::mapping::SkipReason;

/// Where a paused run of a windowed resource resumes: the chunk it was in and the next page. It is
/// the job's `progress`, so it also says why records were skipped.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Progress {
    pub chunk_start: Option<DateTime<Utc>>,
    pub next: Option<mightycall::PageCursor>,
    /// The closed window this run covers, fixed at its first start so resuming does not move it.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Records left out so far, by reason; their total is the job's `records_skipped`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped: BTreeMap<SkipReason, u32>,
}

impl Progress {
    pub fn skip(&mut self, reason: SkipReason, records: usize) {
        if records > 0 {
            let count = self.skipped.entry(reason).or_default();
            *count = count.saturating_add(u32::try_from(records).unwrap_or(u32::MAX));
        }
    }

    pub fn from_job(value: &serde_json::Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Splits `[start, end)` into chunks of at most `size`.
pub(crate) fn chunks(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    size: TimeDelta,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut from = start;
    while from < end {
        let to = (from + size).min(end);
        out.push((from, to));
        from = to;
    }
    out
}
