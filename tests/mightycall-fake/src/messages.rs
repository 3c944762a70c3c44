//! `POST /v4/api/messages/send` as the Swagger describes it: `{from, to[], message, attachments?}`,
//! 200 `SmsSendResponse`, 400 `{"message","modelState"}` for an invalid request, 403 "Failed to send
//! message." when MightyCall will not send, 429 from the quota and faults. A sent message then
//! shows in the journal (`type=message`, outbound) with the send's id as its `requestGuid`.

use crate::dataset::{Direction, FakeMessage};
use crate::render;
use crate::server::{body, with_account};
use crate::state::Shared;
use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The Swagger's pattern for `from`: only US and Canadian numbers send.
const FROM_PATTERN: &str = r"^(\+1\d{8,15})$";

fn matches_from_pattern(from: &str) -> bool {
    from.strip_prefix("+1")
        .is_some_and(|d| (8..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

fn is_phone(to: &str) -> bool {
    to.strip_prefix('+')
        .is_some_and(|d| (2..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// ASP.NET's model-state 400.
fn invalid(errors: Map<String, Value>) -> Response {
    body(
        StatusCode::BAD_REQUEST,
        json!({"message": "The request is invalid.", "modelState": errors}),
    )
}

fn refused() -> Response {
    body(
        StatusCode::FORBIDDEN,
        json!({"message": "Failed to send message."}),
    )
}

pub(crate) async fn send(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    request: Result<Json<Value>, JsonRejection>,
) -> Response {
    with_account(&shared, &headers, |state, key| {
        let Ok(Json(request)) = request else {
            let mut errors = Map::new();
            errors.insert("request".into(), json!(["The request is invalid."]));
            return invalid(errors);
        };
        let text = |key: &str| request.get(key).and_then(Value::as_str).map(str::trim);
        let from = text("from").filter(|f| !f.is_empty());
        let to: Vec<&str> = request
            .get("to")
            .and_then(Value::as_array)
            .map(|to| to.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let message = text("message").unwrap_or_default();
        let has_attachments = request
            .get("attachments")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let mut errors = Map::new();
        match from {
            None => {
                errors.insert("from".into(), json!(["Source phone number is required."]));
            }
            Some(from) if !matches_from_pattern(from) => {
                errors.insert(
                    "from".into(),
                    json!([format!(
                        "The field from must match the regular expression '{FROM_PATTERN}'."
                    )]),
                );
            }
            Some(_) => {}
        }
        if to.is_empty() {
            errors.insert(
                "to".into(),
                json!(["Destination phone number is required."]),
            );
        }
        if message.is_empty() && !has_attachments {
            errors.insert("message".into(), json!(["Message text is required."]));
        }
        if !errors.is_empty() {
            return invalid(errors);
        }
        let from = from.unwrap_or_default().to_owned();
        let Some(account) = state.account(key) else {
            return refused();
        };
        let may_send = account
            .phone_numbers
            .iter()
            .any(|p| p.deleted_at.is_none() && p.number == from && p.sms_mode == "Enabled");
        if !may_send || !to.iter().all(|t| is_phone(t)) {
            return refused();
        }
        let id = state.generator.uuid();
        let at = Utc::now();
        let sent: Vec<FakeMessage> = to
            .iter()
            .map(|to| FakeMessage {
                journal_id: state.generator.hex(24),
                request_guid: id,
                at,
                direction: Direction::Outgoing,
                business_number: from.clone(),
                client_phone: (*to).to_owned(),
                text: message.to_owned(),
                sent: true,
                with_attachment: false,
            })
            .collect();
        let Some(account) = state.account_mut(key) else {
            return refused();
        };
        account.messages.extend(sent);
        body(
            StatusCode::OK,
            json!({
                "message": "SMS message sent successfully.", "id": id, "sourcePhoneNumber": from,
                "destinationPhoneNumbers": to, "sendTime": render::dotnet_utc(at), "attachments": null,
            }),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_swagger_pattern_and_phone_shapes() {
        assert!(matches_from_pattern("+12125550100"));
        assert!(!matches_from_pattern("+442071234567"));
        assert!(!matches_from_pattern("+1212"));
        assert!(is_phone("+442071234567"));
        assert!(!is_phone("2125550100"));
        assert!(!is_phone("+1 212 555"));
    }
}
