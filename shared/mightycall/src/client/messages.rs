//! `POST /messages/send`: an SMS from one of the account's numbers. Unlike every other request of
//! the client it acts, so it is never repeated once MightyCall may have acted on it.

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::MightyCallClient;
use crate::error::MightyCallError;
use crate::time::parse_timestamp;
use crate::transport::error_for;

/// One SMS to one number (the API takes several `to`; one message per recipient keeps each one's
/// outcome its own).
#[derive(Debug, Clone, Copy)]
pub struct OutgoingSms<'a> {
    /// One of the account's numbers with SMS enabled, E.164.
    pub from: &'a str,
    /// E.164.
    pub to: &'a str,
    pub text: &'a str,
}

#[derive(Serialize)]
struct SendRequest<'a> {
    from: &'a str,
    to: [&'a str; 1],
    message: &'a str,
}

/// What MightyCall says of a sent SMS (`SmsSendResponse`), as far as it could be read: the message
/// is sent once MightyCall answered 2xx, so an odd body must not turn that into a failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentSms {
    /// `id`, the message's GUID; `None` when missing, unreadable or all zeros.
    pub id: Option<Uuid>,
    /// `sendTime`; `None` when missing or unreadable (the spec's example is .NET's zero date).
    pub send_time: Option<DateTime<Utc>>,
}

impl SentSms {
    fn read(body: &[u8]) -> Self {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            tracing::warn!("MightyCall confirmed an SMS with a body that is not JSON");
            return Self::default();
        };
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::trim);
        Self {
            id: text("id")
                .and_then(|id| Uuid::parse_str(id).ok())
                .filter(|id| !id.is_nil()),
            send_time: text("sendTime").and_then(|t| parse_timestamp(t).ok()),
        }
    }
}

/// MightyCall's documented refusal to send (HTTP 403): not a token problem, so no token refresh.
const REFUSED: &str = "failed to send message";

impl MightyCallClient {
    /// Sends `sms`. Only a 429 is tried again (MightyCall did not act); after a timeout or a 5xx
    /// the SMS may have gone out, and the error says so by its kind. A 401, or a 403 other than the
    /// documented refusal, gets one token refresh and one more try, as for reads. MightyCall's
    /// refusals (400 invalid request, 403 "Failed to send message.") are `BadRequest`.
    pub async fn send_sms(&self, sms: OutgoingSms<'_>) -> Result<SentSms, MightyCallError> {
        const WHAT: &str = "messages/send";
        let url = self.inner.base_url.api("/messages/send");
        let body = SendRequest {
            from: sms.from,
            to: [sms.to],
            message: sms.text,
        };
        let mut token = self.valid_token().await?;
        let mut refreshed = false;
        loop {
            let transport = &self.inner.transport;
            let response = transport
                .send_unrepeated(WHAT, || {
                    transport
                        .http()
                        .post(&url)
                        .json(&body)
                        .bearer_auth(token.access_token())
                        .header("x-api-key", self.inner.credentials.api_key.expose())
                })
                .await
                .map_err(|e| self.scrub(e))?;
            let status = response.status;
            if status.is_success() {
                return Ok(SentSms::read(&response.body));
            }
            let refused = status == StatusCode::FORBIDDEN && is_refusal(&response.body);
            if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                && !refused
                && !refreshed
            {
                tracing::info!(
                    what = WHAT,
                    "MightyCall rejected the token; refreshing once"
                );
                token = self.replace_rejected(&token).await?;
                refreshed = true;
                continue;
            }
            let error = if refused {
                MightyCallError::BadRequest {
                    details: "MightyCall refused to send the message".to_owned(),
                }
            } else {
                error_for(status, &response.body)
            };
            return Err(self.scrub(error));
        }
    }
}

fn is_refusal(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("message")?.as_str().map(str::to_ascii_lowercase))
        .is_some_and(|m| m.trim().trim_end_matches('.') == REFUSED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmation_is_read_as_far_as_it_goes() {
        let full = br#"{"message":"SMS message sent successfully.","id":"6f1c2a8e-0b7d-4d5e-9a31-2c4b8e7f9d10",
            "sourcePhoneNumber":"+12345678910","destinationPhoneNumbers":["+12345678901"],
            "sendTime":"2026-12-03T11:58:27.3212038Z","attachments":null}"#;
        let sent = SentSms::read(full);
        assert_eq!(
            sent.id.map(|id| id.to_string()).as_deref(),
            Some("6f1c2a8e-0b7d-4d5e-9a31-2c4b8e7f9d10")
        );
        assert_eq!(
            sent.send_time.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-12-03T11:58:27.321203800+00:00")
        );
        // The spec's own example: a nil id, .NET's zero date.
        let example =
            br#"{"id":"00000000-0000-0000-0000-000000000000","sendTime":"0001-01-01T00:00:00"}"#;
        assert_eq!(SentSms::read(example).id, None);
        for odd in [
            &b"<html>ok</html>"[..],
            b"[]",
            br#"{"id":42,"sendTime":"soon"}"#,
        ] {
            assert_eq!(SentSms::read(odd), SentSms::default());
        }
    }

    #[test]
    fn only_the_documented_refusal_is_one() {
        assert!(is_refusal(br#"{"message":"Failed to send message."}"#));
        assert!(is_refusal(br#"{"message":"failed to send message"}"#));
        assert!(!is_refusal(
            br#"{"message":"Authorization has been denied for this request."}"#
        ));
        assert!(!is_refusal(b"Forbidden"));
    }
}
