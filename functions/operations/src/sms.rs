//! `POST /api/sms/send`: an org admin or manager texts a customer from one of the org's numbers
//! with SMS enabled (`actions::sms`).

use actions::sms::{self, Sms};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use store::synced::MessageRow;
use utoipa::ToSchema;
use web::{ApiError, ApiJson, Caller, WriteErrors};

use crate::OperationsState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SendSms {
    /// The organisation whose number sends.
    #[schema(value_type = uuid::Uuid)]
    org_id: String,
    /// One of the org's numbers with SMS enabled (`GET /api/mightycall/phone-numbers`, `sms_mode`
    /// `enabled`), in E.164 form.
    #[schema(pattern = "^\\+[1-9][0-9]{1,14}$", example = "+12125550100")]
    from: String,
    /// The recipient, in E.164 form.
    #[schema(pattern = "^\\+[1-9][0-9]{1,14}$", example = "+12125550123")]
    to: String,
    /// 1 to 1,600 characters (not bytes); not blank; line breaks and tabs are the only control
    /// characters allowed.
    #[schema(min_length = 1, max_length = 1600)]
    text: String,
}

#[derive(Serialize, ToSchema)]
pub struct SentReply {
    /// The stored outbound message, as `GET /api/sms/messages` lists it.
    message: MessageRow,
}

/// Sends an SMS from one of the org's numbers with SMS enabled (org admins and managers), stores
/// it as an outbound message and audits it. At most 10 per org and minute (429 `too_many_sms`).
/// No transaction is open while MightyCall answers: access is checked, then checked again in the
/// transaction that stores. When MightyCall fails to confirm (503), nothing is stored: the message
/// may still have gone out and then shows in the list after the next sync.
#[utoipa::path(post, path = "/api/sms/send", operation_id = "send_sms", tag = "operations",
    request_body = SendSms,
    responses((status = 201, body = SentReply), WriteErrors))]
pub async fn send(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiJson(body): ApiJson<SendSms>,
) -> Result<(StatusCode, Json<SentReply>), ApiError> {
    let sms = Sms::check(&body.org_id, &body.from, &body.to, &body.text)?;
    let message = sms::send(&state.actions, caller, sms).await?;
    Ok((StatusCode::CREATED, Json(SentReply { message })))
}
