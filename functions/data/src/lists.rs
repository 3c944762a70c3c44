use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;
use store::synced::{
    self, ContactRow, Listed, MessageRow, PhoneNumberRow, RecordingRow, VoicemailRow,
};
use utoipa::ToSchema;
use web::openapi::ErrorReply;
use web::paging::{decode_cursor, next_cursor};
use web::{ApiError, ApiQuery, Caller, Core, Need, OrgScope, ReadErrors};

use crate::params::{Format, ListQuery, OrgQuery, org_terms};
use crate::reply::Paged;
use web::export::{self, EXPORT_TOO_LARGE, ListPages};

#[derive(Serialize, ToSchema)]
pub struct PhoneNumbersReply {
    phone_numbers: Vec<PhoneNumberRow>,
}

/// The org's current business numbers, by number (a handful: no paging).
#[utoipa::path(get, path = "/api/mightycall/phone-numbers", tag = "data", params(OrgQuery),
    responses((status = 200, body = PhoneNumbersReply), ReadErrors))]
pub async fn phone_numbers(
    State(core): State<Core>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OrgQuery>,
) -> Result<Json<PhoneNumbersReply>, ApiError> {
    let scope = OrgScope::open(&core, caller, query.org()?, Need::Member).await?;
    let zone = org_terms(&scope).await?.zone;
    let phone_numbers = synced::phone_numbers(scope.tx(), scope.org)
        .await?
        .into_iter()
        .map(|row| row.in_zone(zone))
        .collect();
    Ok(Json(PhoneNumbersReply { phone_numbers }))
}

#[derive(Serialize, ToSchema)]
pub struct RecordingsReply {
    recordings: Vec<RecordingRow>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct VoicemailsReply {
    voicemails: Vec<VoicemailRow>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MessagesReply {
    messages: Vec<MessageRow>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContactsReply {
    contacts: Vec<ContactRow>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    #[schema(required = true)]
    next_cursor: Option<String>,
}

/// How a synced list is served.
trait Listing: Listed + Serialize + Default + Clone + Send + Sync + 'static {
    /// The reply's key, also the scope of the list's cursors and the CSV file's name.
    const KEY: &'static str;
    /// Without dates: the last 30 days (true), or no date filter at all (false).
    const DATED_BY_DEFAULT: bool;
    type Reply: Serialize;

    fn reply(rows: Vec<Self>, next_cursor: Option<String>) -> Self::Reply;
}

impl Listing for RecordingRow {
    const KEY: &'static str = "recordings";
    const DATED_BY_DEFAULT: bool = true;
    type Reply = RecordingsReply;

    fn reply(recordings: Vec<Self>, next_cursor: Option<String>) -> RecordingsReply {
        RecordingsReply {
            recordings,
            next_cursor,
        }
    }
}

impl Listing for VoicemailRow {
    const KEY: &'static str = "voicemails";
    const DATED_BY_DEFAULT: bool = true;
    type Reply = VoicemailsReply;

    fn reply(voicemails: Vec<Self>, next_cursor: Option<String>) -> VoicemailsReply {
        VoicemailsReply {
            voicemails,
            next_cursor,
        }
    }
}

impl Listing for MessageRow {
    const KEY: &'static str = "messages";
    const DATED_BY_DEFAULT: bool = true;
    type Reply = MessagesReply;

    fn reply(messages: Vec<Self>, next_cursor: Option<String>) -> MessagesReply {
        MessagesReply {
            messages,
            next_cursor,
        }
    }
}

/// An address book is not a time series: contacts are all listed unless dates are given.
impl Listing for ContactRow {
    const KEY: &'static str = "contacts";
    const DATED_BY_DEFAULT: bool = false;
    type Reply = ContactsReply;

    fn reply(contacts: Vec<Self>, next_cursor: Option<String>) -> ContactsReply {
        ContactsReply {
            contacts,
            next_cursor,
        }
    }
}

/// Every synced list: one page newest first as JSON, or the whole range as CSV, times in the
/// org's zone.
async fn list<T: Listing>(
    core: &Core,
    caller: Caller,
    query: ListQuery,
    headers: &HeaderMap,
) -> Result<Paged<T::Reply>, ApiError> {
    let format = query.format(headers)?;
    let dates = query.dates(T::DATED_BY_DEFAULT)?;
    let limit = query.limit()?;
    let after = match format {
        Format::Json => decode_cursor(T::KEY, query.cursor())?,
        Format::Csv { .. } => {
            export::refuse_cursor(query.cursor())?;
            None
        }
    };
    let scope = OrgScope::open(core, caller, query.org()?, Need::Member).await?;
    let terms = org_terms(&scope).await?;
    let zone = terms.zone;
    let window = dates
        .map(|dates| dates.in_zone(zone))
        .transpose()?
        .map(|range| zone.window(range));
    let window = (window.map(|w| w.0), window.map(|w| w.1));
    if let Format::Csv { bom } = format {
        let pages = ListPages {
            zone,
            window,
            view: terms.view,
            blank: T::default(),
        };
        return export::csv(scope, pages, T::KEY, bom, headers)
            .await
            .map(Paged::Csv);
    }
    let page = synced::list::<T>(scope.tx(), scope.org, window, &terms.view, after, limit).await?;
    let next = next_cursor(T::KEY, &page);
    let rows = page.rows.into_iter().map(|row| row.in_zone(zone)).collect();
    Ok(Paged::Json(T::reply(rows, next)))
}

/// With CSV: every row of the range, see [`crate::export`].
const CSV: &str = "A page as JSON, or with `format=csv` (or `Accept: text/csv`) every row of the \
    range as a CSV file (at most 100,000 rows, else 422 `export_too_large`; gzipped when \
    `Accept-Encoding` allows it)";

/// Call recordings of the range (default: the last 30 days), newest first.
#[utoipa::path(get, path = "/api/mightycall/recordings", tag = "data", params(ListQuery),
    responses(
        (status = 200, description = CSV,
            content((RecordingsReply = "application/json"), (String = "text/csv"))),
        (status = 422, description = EXPORT_TOO_LARGE, body = ErrorReply),
        ReadErrors))]
pub async fn recordings(
    State(core): State<Core>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Paged<RecordingsReply>, ApiError> {
    list::<RecordingRow>(&core, caller, query, &headers).await
}

/// SMS messages of the range (default: the last 30 days), newest first.
#[utoipa::path(get, path = "/api/sms/messages", tag = "data", params(ListQuery),
    responses(
        (status = 200, description = CSV,
            content((MessagesReply = "application/json"), (String = "text/csv"))),
        (status = 422, description = EXPORT_TOO_LARGE, body = ErrorReply),
        ReadErrors))]
pub async fn messages(
    State(core): State<Core>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Paged<MessagesReply>, ApiError> {
    list::<MessageRow>(&core, caller, query, &headers).await
}

/// Voicemails of the range (default: the last 30 days), newest first.
#[utoipa::path(get, path = "/api/mightycall/voicemails", tag = "data", params(ListQuery),
    responses(
        (status = 200, description = CSV,
            content((VoicemailsReply = "application/json"), (String = "text/csv"))),
        (status = 422, description = EXPORT_TOO_LARGE, body = ErrorReply),
        ReadErrors))]
pub async fn voicemails(
    State(core): State<Core>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Paged<VoicemailsReply>, ApiError> {
    list::<VoicemailRow>(&core, caller, query, &headers).await
}

/// Contacts (deleted ones left out), most recently changed first: all of them unless dates are
/// given.
#[utoipa::path(get, path = "/api/mightycall/contacts", tag = "data", params(ListQuery),
    responses(
        (status = 200, description = CSV,
            content((ContactsReply = "application/json"), (String = "text/csv"))),
        (status = 422, description = EXPORT_TOO_LARGE, body = ErrorReply),
        ReadErrors))]
pub async fn contacts(
    State(core): State<Core>,
    caller: Caller,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Paged<ContactsReply>, ApiError> {
    list::<ContactRow>(&core, caller, query, &headers).await
}
