use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};
use store::synced::{self, ContactRow, Listed, MessageRow, RecordingRow, VoicemailRow};
use web::{ApiError, ApiQuery, Core, CurrentUser};

use crate::cursor;
use crate::guard::member_tx;
use crate::params::{DataQuery, Format};
use crate::reply;

/// `GET /api/mightycall/phone-numbers?orgId` → `{"phone_numbers":[…]}`.
pub async fn phone_numbers(
    State(core): State<Core>,
    CurrentUser(user): CurrentUser,
    ApiQuery(query): ApiQuery<DataQuery>,
) -> Result<Json<Value>, ApiError> {
    query.allow(&["orgId"])?;
    let (tx, org) = member_tx(&core, &user, query.org()?).await?;
    let numbers = synced::phone_numbers(&tx, org).await?;
    Ok(Json(json!({ "phone_numbers": numbers })))
}

/// How a synced list is served.
pub trait Listing: Listed + Serialize + Default + Send + Sync + 'static {
    /// The body's key, also the scope of its cursors.
    const KEY: &'static str;
    /// Whether `format=csv` / `Accept: text/csv` is offered.
    const CSV: bool;
    /// Without dates: the last 30 days (true), or no date filter at all (false).
    const DATED_BY_DEFAULT: bool;
}

impl Listing for RecordingRow {
    const KEY: &'static str = "recordings";
    const CSV: bool = true;
    const DATED_BY_DEFAULT: bool = true;
}

impl Listing for VoicemailRow {
    const KEY: &'static str = "voicemails";
    const CSV: bool = false;
    const DATED_BY_DEFAULT: bool = true;
}

impl Listing for MessageRow {
    const KEY: &'static str = "messages";
    const CSV: bool = true;
    const DATED_BY_DEFAULT: bool = true;
}

/// An address book is not a time series: contacts are all listed unless dates are given.
impl Listing for ContactRow {
    const KEY: &'static str = "contacts";
    const CSV: bool = false;
    const DATED_BY_DEFAULT: bool = false;
}

/// `GET /api/mightycall/{recordings|voicemails|contacts}` and `GET /api/sms/messages` with
/// `orgId&startDate&endDate&limit&cursor` (and `format` where CSV is offered) →
/// `{"<key>":[…],"next_cursor"}`, newest first.
pub async fn list<T: Listing>(
    State(core): State<Core>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<DataQuery>,
) -> Result<Response, ApiError> {
    let base = ["orgId", "startDate", "endDate", "limit", "cursor"];
    if T::CSV {
        query.allow(&[base.as_slice(), &["format"]].concat())?;
    } else {
        query.allow(&base)?;
    }
    let range = if T::DATED_BY_DEFAULT {
        Some(query.range()?)
    } else {
        query.optional_range()?
    };
    let window = range.map(|r| r.window());
    let limit = query.limit()?;
    let after = query
        .cursor()
        .map(|c| cursor::decode(T::KEY, c).and_then(|key| cursor::parse_time_key(&key)))
        .transpose()?;
    let format = if T::CSV {
        query.format(&headers)
    } else {
        Format::Json
    };
    let (tx, org) = member_tx(&core, &user, query.org()?).await?;
    let page = synced::list::<T>(
        &tx,
        org,
        (window.map(|w| w.0), window.map(|w| w.1)),
        after,
        limit,
    )
    .await?;
    let next = page
        .next
        .map(|key| cursor::encode(T::KEY, &cursor::time_key(key)));
    reply::page(T::KEY, &page.rows, next, format, &T::default())
}
