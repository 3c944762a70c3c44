//! Sending an SMS: an org admin or manager texts a customer from one of the org's numbers with
//! SMS enabled, through the org's MightyCall account. The message is stored at once as the org's
//! outbound message (MightyCall's journal lists it later under its own id, and the sync then
//! adopts the stored row instead of adding a second one).

use chrono::{DateTime, TimeDelta, Utc};
use domain::{E164Number, OrgId, SmsText, TimeZone};
use mightycall::{MightyCallError, OutgoingSms, SentSms};
use serde_json::json;
use store::sms::{self as store_sms, Sender, SentMessage};
use store::synced::{Listed, MessageRow};
use store::usage;
use sync_engine::FetchCallError;
use web::{ApiError, Caller, Need, OrgScope};

use crate::Actions;

/// Sends per org and minute, whoever sends: each spends a request of the account's daily
/// MightyCall quota (shared with the syncs) and reaches a customer's phone. A person answering
/// customers sends a few a minute; a script gone wrong is stopped after this many.
pub const SMS_PER_MINUTE: u32 = 10;
const WINDOW_MINUTES: i32 = 1;

/// A message to send whose every value parsed.
pub struct Sms {
    org: OrgId,
    from: E164Number,
    to: E164Number,
    text: SmsText,
}

impl Sms {
    /// The values as sent: `org` a UUID (400 `invalid_org_id`), `from` and `to` E.164 numbers
    /// and `text` 1 to 1,600 characters (422 `invalid_from`, `invalid_to`, `invalid_text`).
    pub fn check(org: &str, from: &str, to: &str, text: &str) -> Result<Self, ApiError> {
        let invalid = |code: &'static str, field: &'static str| {
            move |e: domain::ParseError| ApiError::Unprocessable {
                code,
                message: format!("{field} {e}"),
            }
        };
        Ok(Self {
            org: org.parse().map_err(|_| ApiError::BadRequest {
                code: "invalid_org_id",
                message: "orgId must be a UUID".into(),
            })?,
            from: E164Number::parse(from).map_err(invalid("invalid_from", "from"))?,
            to: E164Number::parse(to).map_err(invalid("invalid_to", "to"))?,
            text: SmsText::parse(text).map_err(invalid("invalid_text", "text"))?,
        })
    }
}

/// Sends `sms` for `caller` (org admins and managers), stores it as an outbound message and
/// audits it; the stored row, its times in the org's zone. At most [`SMS_PER_MINUTE`] per org
/// (429 `too_many_sms`). No transaction is open while MightyCall answers: access is checked, then
/// checked again in the transaction that stores. When MightyCall fails to confirm (503), nothing
/// is stored: the message may still have gone out and then shows in the list after the next sync.
pub async fn send(actions: &Actions, caller: Caller, sms: Sms) -> Result<MessageRow, ApiError> {
    let checked =
        OrgScope::open(&actions.core, caller.clone(), Some(sms.org), Need::Manager).await?;
    let org = checked.org;
    match store_sms::sender(checked.tx(), org, &sms.from).await? {
        Sender::SmsEnabled => {}
        Sender::Unknown => {
            return Err(ApiError::Unprocessable {
                code: "unknown_sender",
                message: "from is not one of this organisation's numbers (the phone numbers list shows them)".into(),
            });
        }
        Sender::SmsDisabled => {
            return Err(ApiError::Unprocessable {
                code: "sms_not_enabled",
                message: "this number does not send SMS; choose one whose sms_mode is enabled"
                    .into(),
            });
        }
    }
    checked.commit().await?;
    count_send(actions, org).await?;

    let outgoing = OutgoingSms {
        from: sms.from.as_str(),
        to: sms.to.as_str(),
        text: sms.text.as_str(),
    };
    let sent = actions
        .engine
        .for_org(org, async |client| client.send_sms(outgoing).await)
        .await
        .map_err(not_sent)?
        .map_err(send_failed)?;

    let scope = OrgScope::open(&actions.core, caller, Some(org), Need::Manager).await?;
    let message = stored(&sms, &sent, Utc::now());
    let row = store_sms::record_sent(scope.tx(), org, &message).await?;
    scope
        .audit(
            "sms.sent",
            Some(&row.id.to_string()),
            json!({
                "external_id": message.external_id, "from": sms.from, "to": sms.to,
                "characters": sms.text.as_str().chars().count(),
            }),
        )
        .await?;
    let zone = store::reports::terms(scope.tx(), org)
        .await?
        .map_or(TimeZone::UTC, |terms| terms.zone);
    scope.commit().await?;
    Ok(row.in_zone(zone))
}

/// Counts the send against the org's limit, committed at once so concurrent sends (on any
/// instance) see it, and before anything of the account's quota is spent.
async fn count_send(actions: &Actions, org: OrgId) -> Result<(), ApiError> {
    let tx = actions.core.db.as_service().await?;
    if !usage::count_sms_send(&tx, org, SMS_PER_MINUTE, WINDOW_MINUTES).await? {
        return Err(ApiError::TooManyRequests {
            code: "too_many_sms",
            message: format!(
                "at most {SMS_PER_MINUTE} SMS per organisation and minute; try again in a minute"
            ),
        });
    }
    tx.commit().await?;
    Ok(())
}

/// What is stored of a confirmed send. Keyed by the id MightyCall answered, which its journal
/// later gives as the message's `requestGuid`; without one (never seen) a fresh id keeps the row
/// apart, and the journal's copy will then be a second row. The send's time is MightyCall's
/// unless it is implausible (the Swagger's example is .NET's zero date).
fn stored<'a>(sms: &'a Sms, sent: &SentSms, now: DateTime<Utc>) -> SentMessage<'a> {
    if sent.id.is_none() {
        tracing::warn!("MightyCall confirmed an SMS without its id");
    }
    let plausible = |at: &DateTime<Utc>| at.signed_duration_since(now).abs() <= TimeDelta::days(1);
    SentMessage {
        external_id: sent.id.unwrap_or_else(uuid::Uuid::new_v4).to_string(),
        sent_at: sent.send_time.filter(plausible).unwrap_or(now),
        from: &sms.from,
        to: &sms.to,
        text: sms.text.as_str(),
    }
}

/// The org's account could not be used: nothing was sent.
fn not_sent(e: FetchCallError) -> ApiError {
    match e {
        FetchCallError::Upstream(code) => ApiError::Conflict {
            code,
            message: match code {
                "integration_disabled" => {
                    "the MightyCall integration is disabled; an org admin can enable it again"
                }
                "no_credentials" => "this organisation has no MightyCall integration",
                _ => {
                    "the organisation's MightyCall credentials cannot be used; an org admin must save them again"
                }
            }
            .into(),
        },
        FetchCallError::Engine(sync_engine::EngineError::Store(e)) => e.into(),
        FetchCallError::Engine(e) => ApiError::internal(e),
    }
}

/// MightyCall's answer to the send, in words for the sender: whether the message may have gone
/// out decides whether sending again is safe. Never MightyCall's own text.
fn send_failed(e: MightyCallError) -> ApiError {
    let maybe_sent = "the message may have been sent all the same: check the org's SMS messages after the next sync before sending it again";
    match e {
        MightyCallError::BadRequest { .. } => ApiError::Unprocessable {
            code: "sms_refused",
            message: "MightyCall refused to send this message; check the recipient's number".into(),
        },
        MightyCallError::QuotaExhausted { .. } => ApiError::TooManyRequests {
            code: "mightycall_quota_exhausted",
            message: "today's MightyCall request budget of this organisation's account is spent; nothing was sent".into(),
        },
        MightyCallError::RateLimited { .. } => ApiError::TooManyRequests {
            code: "mightycall_rate_limited",
            message: "MightyCall asked us to slow down; nothing was sent, try again later".into(),
        },
        MightyCallError::Unauthorized { .. } => ApiError::Conflict {
            code: "invalid_credentials",
            message: "MightyCall rejected the organisation's credentials; an org admin must update them".into(),
        },
        MightyCallError::BudgetUnavailable { .. } => ApiError::UpstreamFailed {
            code: "mightycall_budget_unavailable",
            message: "the MightyCall request budget could not be checked, so nothing was sent; try again".into(),
        },
        MightyCallError::Timeout => ApiError::UpstreamFailed {
            code: "mightycall_timeout",
            message: format!("MightyCall did not answer in time; {maybe_sent}"),
        },
        other => ApiError::UpstreamFailed {
            code: "mightycall_unavailable",
            message: format!(
                "MightyCall did not confirm the message ({}); {maybe_sent}",
                other.code()
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn checked() -> Sms {
        let org = uuid::Uuid::new_v4().to_string();
        Sms::check(&org, "+12125550100", "+442071234567", "hello").unwrap()
    }

    #[test]
    fn a_send_is_stored_under_mightycalls_id_and_time_when_they_make_sense() {
        let sms = checked();
        let now = Utc::now();
        let id = uuid::Uuid::new_v4();
        let at = now - TimeDelta::seconds(3);
        let kept = stored(
            &sms,
            &SentSms {
                id: Some(id),
                send_time: Some(at),
            },
            now,
        );
        assert_eq!((kept.external_id, kept.sent_at), (id.to_string(), at));

        // The Swagger's example: .NET's zero date, and no usable id.
        let zero = mightycall::time::parse_timestamp("0001-01-01T00:00:00").unwrap();
        let odd = stored(
            &sms,
            &SentSms {
                id: None,
                send_time: Some(zero),
            },
            now,
        );
        assert_eq!(odd.sent_at, now);
        assert!(uuid::Uuid::parse_str(&odd.external_id).is_ok());
        assert_ne!(odd.external_id, id.to_string());
    }

    #[test]
    fn failures_that_may_have_sent_say_so_and_the_others_do_not() {
        let maybe = [
            MightyCallError::Timeout,
            MightyCallError::Upstream { status: 502 },
        ];
        for e in maybe {
            let api = send_failed(e);
            assert_eq!(api.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
            assert!(api.to_string().contains("may have been sent"), "{api}");
        }
        let not_sent = [
            (
                MightyCallError::QuotaExhausted { used: 5, limit: 5 },
                axum::http::StatusCode::TOO_MANY_REQUESTS,
            ),
            (
                MightyCallError::RateLimited { retry_after: None },
                axum::http::StatusCode::TOO_MANY_REQUESTS,
            ),
            (
                MightyCallError::BadRequest {
                    details: "from: Source phone number is required.".into(),
                },
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ];
        for (e, status) in not_sent {
            let api = send_failed(e);
            assert_eq!(api.status(), status);
            assert!(!api.to_string().contains("may have been sent"), "{api}");
            assert!(!api.to_string().contains("Source phone"), "{api}");
        }
    }
}
