//! The measures of a group of calls: sums from the rollups (or from the calls when a report searches
//! or is scoped to one agent), the inbound facts that are not sums, and the ratios made of them.

use serde::Serialize;
use tokio_postgres::Row;

use crate::StoreError;
use crate::row::{FromRow, get};

/// The rollups' part (sums, and the longest wait), as the `SUMS` select of `aggregate` names it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Sums {
    total: i64,
    answered: i64,
    missed: i64,
    voicemail: i64,
    talk_ms: i64,
    inbound: i64,
    outbound: i64,
    abandoned: i64,
    short_abandoned: i64,
    measured: i64,
    measured_short: i64,
    in_sla: i64,
    answered_measured: i64,
    answer_wait_ms: i64,
    unanswered_with_number: i64,
    callbacks: i64,
    callbacks_within_1h: i64,
    longest_wait_ms: Option<i64>,
}

impl Sums {
    /// Both groups' calls together (saturating: sums of counts and milliseconds stay far below).
    pub(super) fn plus(self, other: &Self) -> Self {
        let add = |a: i64, b: i64| a.saturating_add(b);
        Self {
            total: add(self.total, other.total),
            answered: add(self.answered, other.answered),
            missed: add(self.missed, other.missed),
            voicemail: add(self.voicemail, other.voicemail),
            talk_ms: add(self.talk_ms, other.talk_ms),
            inbound: add(self.inbound, other.inbound),
            outbound: add(self.outbound, other.outbound),
            abandoned: add(self.abandoned, other.abandoned),
            short_abandoned: add(self.short_abandoned, other.short_abandoned),
            measured: add(self.measured, other.measured),
            measured_short: add(self.measured_short, other.measured_short),
            in_sla: add(self.in_sla, other.in_sla),
            answered_measured: add(self.answered_measured, other.answered_measured),
            answer_wait_ms: add(self.answer_wait_ms, other.answer_wait_ms),
            unanswered_with_number: add(self.unanswered_with_number, other.unanswered_with_number),
            callbacks: add(self.callbacks, other.callbacks),
            callbacks_within_1h: add(self.callbacks_within_1h, other.callbacks_within_1h),
            longest_wait_ms: self.longest_wait_ms.max(other.longest_wait_ms),
        }
    }
}

/// All null for a group without calls.
impl FromRow for Sums {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        let n = |column| get::<Option<i64>>(row, column).map(Option::unwrap_or_default);
        Ok(Self {
            total: n("total")?,
            answered: n("answered")?,
            missed: n("missed")?,
            voicemail: n("voicemail")?,
            talk_ms: n("talk_ms")?,
            inbound: n("inbound")?,
            outbound: n("outbound")?,
            abandoned: n("abandoned")?,
            short_abandoned: n("short_abandoned")?,
            measured: n("measured")?,
            measured_short: n("measured_short")?,
            in_sla: n("in_sla")?,
            answered_measured: n("answered_measured")?,
            answer_wait_ms: n("answer_wait_ms")?,
            unanswered_with_number: n("unanswered_with_number")?,
            callbacks: n("callbacks")?,
            callbacks_within_1h: n("callbacks_within_1h")?,
            longest_wait_ms: get(row, "longest_wait_ms")?,
        })
    }
}

/// What a group's calls say beyond sums: distinct repeat callers and callback-time percentiles.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct InboundFacts {
    repeat_callers: i64,
    callback_p50_ms: Option<i64>,
    callback_p90_ms: Option<i64>,
}

impl FromRow for InboundFacts {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            repeat_callers: get(row, "repeat_callers")?,
            callback_p50_ms: get(row, "callback_p50_ms")?,
            callback_p90_ms: get(row, "callback_p90_ms")?,
        })
    }
}

/// The figures of a group of calls (definitions: README, KPI definitions). Ratios are fractions
/// (0.8 = 80 %), `null` when their denominator is zero rather than a made-up 0 or 100 %.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CallStats {
    pub total: i64,
    pub answered: i64,
    pub missed: i64,
    pub voicemail: i64,
    pub answer_rate: Option<f64>,
    pub talk_time_ms: i64,
    pub avg_talk_time_ms: Option<i64>,
    pub inbound: i64,
    pub outbound: i64,
    pub abandoned: i64,
    pub short_abandoned: i64,
    pub abandon_rate: Option<f64>,
    /// Inbound calls answered or abandoned whose wait the webhook timeline gives: the coverage of
    /// the service level, speed of answer and longest wait.
    pub measured_calls: i64,
    pub service_level: Option<f64>,
    /// Whether `service_level` reaches the org's target percentage.
    pub sla_met: Option<bool>,
    pub avg_speed_of_answer_ms: Option<i64>,
    pub longest_wait_ms: Option<i64>,
    pub repeat_callers: i64,
    pub callbacks: i64,
    pub callback_within_1h_rate: Option<f64>,
    pub callback_p50_ms: Option<i64>,
    pub callback_p90_ms: Option<i64>,
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// `sum / count` rounded half up.
fn mean(sum: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| (sum + count / 2) / count)
}

impl CallStats {
    pub(super) fn new(sums: Sums, facts: InboundFacts, sla_target_percent: i16) -> Self {
        let service_level = ratio(sums.in_sla, sums.measured - sums.measured_short);
        Self {
            total: sums.total,
            answered: sums.answered,
            missed: sums.missed,
            voicemail: sums.voicemail,
            answer_rate: ratio(sums.answered, sums.total),
            talk_time_ms: sums.talk_ms,
            avg_talk_time_ms: mean(sums.talk_ms, sums.answered),
            inbound: sums.inbound,
            outbound: sums.outbound,
            abandoned: sums.abandoned,
            short_abandoned: sums.short_abandoned,
            abandon_rate: ratio(sums.abandoned, sums.inbound - sums.short_abandoned),
            measured_calls: sums.measured,
            service_level,
            sla_met: service_level.map(|level| level * 100.0 >= f64::from(sla_target_percent)),
            avg_speed_of_answer_ms: mean(sums.answer_wait_ms, sums.answered_measured),
            longest_wait_ms: sums.longest_wait_ms,
            repeat_callers: facts.repeat_callers,
            callbacks: sums.callbacks,
            callback_within_1h_rate: ratio(sums.callbacks_within_1h, sums.unanswered_with_number),
            callback_p50_ms: facts.callback_p50_ms,
            callback_p90_ms: facts.callback_p90_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_null_without_a_denominator_and_exclude_short_abandons() {
        let sums = Sums {
            total: 10,
            answered: 6,
            talk_ms: 601,
            inbound: 8,
            abandoned: 1,
            short_abandoned: 1,
            measured: 7,
            measured_short: 1,
            in_sla: 3,
            answered_measured: 5,
            answer_wait_ms: 52_502,
            ..Sums::default()
        };
        let stats = CallStats::new(sums, InboundFacts::default(), 50);
        assert_eq!(stats.abandon_rate, Some(1.0 / 7.0));
        assert_eq!(stats.service_level, Some(0.5));
        assert_eq!(stats.sla_met, Some(true));
        assert_eq!(stats.avg_speed_of_answer_ms, Some(10_500));
        assert_eq!(stats.avg_talk_time_ms, Some(100));
        let none = CallStats::new(Sums::default(), InboundFacts::default(), 80);
        assert_eq!(
            (
                none.answer_rate,
                none.service_level,
                none.sla_met,
                none.abandon_rate
            ),
            (None, None, None, None)
        );
        assert_eq!(none.callback_within_1h_rate, None);
    }
}
