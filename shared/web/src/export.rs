//! CSV exports: the whole filtered range of a list or report as one CSV file, streamed page by page
//! from the caller's RLS transaction, which the stream owns and commits after the last page. The
//! API's `format=csv` and the dashboard's download links both answer with it.
//!
//! Before anything is streamed the rows are counted: past [`MAX_ROWS`] the answer is a 422 JSON
//! error, so a client never gets half a file because it was too large. The file is gzipped when
//! `Accept-Encoding` allows it: Lambda buffers a response and refuses one over 6 MB (a gzipped
//! body travels base64-encoded, 4/3 of its size). The bench's 100,000 call rows are 20.0 MB of CSV
//! and 4.8 MB gzipped (6.4 MB as base64): behind buffered Lambda about 90,000 such rows fit, the
//! full cap needs response streaming.

use std::convert::Infallible;
use std::future::{Future, ready};

use axum::body::Body;
use axum::http::header::{ACCEPT_ENCODING, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Request};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::{
    CallDirection, CallStatus, DateRange, E164Number, Extension, OrgId, PageLimit, TimeZone,
};
use serde::Serialize;
use store::page::{Page, TimeKey};
use store::reports::{
    self, AgentRow, CallFilter, CallRow, CallView, DailyRow, HourRow, NumberRow, ReportTerms,
};
use store::synced::{self, Listed, Window};
use store::{StoreError, Tx};
use tower::{Layer, ServiceExt, service_fn};
use tower_http::compression::CompressionLayer;

use crate::csv::Sheet;
use crate::params::ReportType;
use crate::{ApiError, OrgScope};

/// The 422 answer, in the routes' documentation.
pub const EXPORT_TOO_LARGE: &str =
    "With `format=csv`: the range has more rows than one export holds (`export_too_large`)";

/// The most rows one export holds (100,000 call rows: 20 MB of CSV, 4.8 MB gzipped).
pub const MAX_ROWS: i64 = 100_000;

/// Pages of one list or report, read in the scope's transaction.
pub trait Pages: Send + Sync + 'static {
    type Row: Serialize + Send;
    type Key: Send;

    /// A row that names the columns (the header of an empty file too).
    fn blank(&self) -> Self::Row;

    /// The page after `after` (the first when `None`), at most [`PageLimit::LARGEST`] rows.
    fn page(
        &self,
        tx: &Tx,
        org: OrgId,
        after: Option<Self::Key>,
    ) -> impl Future<Output = Result<Page<Self::Row, Self::Key>, StoreError>> + Send;

    /// The rows of the whole range, or any number past [`MAX_ROWS`] when there are more. By
    /// default the pages are read until then: enough for the reports with a row per day or group.
    fn count(&self, tx: &Tx, org: OrgId) -> impl Future<Output = Result<i64, StoreError>> + Send {
        async move {
            let (mut rows, mut after) = (0_i64, None);
            loop {
                let page = self.page(tx, org, after).await?;
                rows = rows.saturating_add(i64::try_from(page.rows.len()).unwrap_or(i64::MAX));
                match page.next {
                    Some(next) if rows <= MAX_ROWS => after = Some(next),
                    _ => return Ok(rows),
                }
            }
        }
    }
}

/// A `cursor` with CSV is refused rather than ignored: it would suggest a partial file.
pub fn refuse_cursor(cursor: Option<&str>) -> Result<(), ApiError> {
    match cursor {
        None => Ok(()),
        Some(_) => Err(ApiError::BadRequest {
            code: "invalid_cursor",
            message: "cursor does not apply to format=csv: the file holds the whole range".into(),
        }),
    }
}

/// A synced list in `window` as `view` shows it, its times in `zone`.
pub struct ListPages<T> {
    pub zone: TimeZone,
    pub window: Window,
    pub view: CallView,
    pub blank: T,
}

impl<T: Listed + Serialize + Clone + Send + Sync + 'static> Pages for ListPages<T> {
    type Row = T;
    type Key = TimeKey;

    fn blank(&self) -> T {
        self.blank.clone()
    }

    async fn page(
        &self,
        tx: &Tx,
        org: OrgId,
        after: Option<TimeKey>,
    ) -> Result<Page<T, TimeKey>, StoreError> {
        let page =
            synced::list::<T>(tx, org, self.window, &self.view, after, PageLimit::LARGEST).await?;
        Ok(Page {
            rows: page
                .rows
                .into_iter()
                .map(|r| r.in_zone(self.zone))
                .collect(),
            next: page.next,
        })
    }

    async fn count(&self, tx: &Tx, org: OrgId) -> Result<i64, StoreError> {
        synced::count::<T>(tx, org, self.window, &self.view).await
    }
}

/// A report's terms and filter, owned by the stream.
pub struct ReportFilter {
    pub terms: ReportTerms,
    pub range: DateRange,
    pub direction: Option<CallDirection>,
    pub status: Option<CallStatus>,
    pub search: Option<String>,
    pub agent: Option<Extension>,
    pub number: Option<E164Number>,
}

impl ReportFilter {
    fn get(&self) -> CallFilter<'_> {
        CallFilter {
            range: self.range,
            direction: self.direction,
            status: self.status,
            search: self.search.as_deref(),
            agent: self.agent.as_ref(),
            number: self.number.as_ref(),
        }
    }
}

struct CallPages(ReportFilter);

impl Pages for CallPages {
    type Row = CallRow;
    type Key = TimeKey;

    fn blank(&self) -> CallRow {
        CallRow::default()
    }

    async fn page(
        &self,
        tx: &Tx,
        org: OrgId,
        after: Option<TimeKey>,
    ) -> Result<Page<CallRow, TimeKey>, StoreError> {
        let (terms, filter) = (&self.0.terms, self.0.get());
        reports::list_calls(tx, org, terms, &filter, after, PageLimit::LARGEST).await
    }

    /// The range's total under the same terms and filter (the rollups, or the calls themselves).
    async fn count(&self, tx: &Tx, org: OrgId) -> Result<i64, StoreError> {
        reports::call_count(tx, org, &self.0.terms, &self.0.get()).await
    }
}

struct DailyPages(ReportFilter);

impl Pages for DailyPages {
    type Row = DailyRow;
    type Key = NaiveDate;

    fn blank(&self) -> DailyRow {
        DailyRow::default()
    }

    async fn page(
        &self,
        tx: &Tx,
        org: OrgId,
        after: Option<NaiveDate>,
    ) -> Result<Page<DailyRow, NaiveDate>, StoreError> {
        let (terms, filter) = (&self.0.terms, self.0.get());
        reports::daily(tx, org, terms, &filter, after, PageLimit::LARGEST).await
    }
}

/// The pages of a report grouped by a text key (agents, numbers, hours of the week).
macro_rules! group_pages {
    ($name:ident, $row:ty, $report:path) => {
        struct $name(ReportFilter);

        impl Pages for $name {
            type Row = $row;
            type Key = String;

            fn blank(&self) -> $row {
                <$row>::default()
            }

            async fn page(
                &self,
                tx: &Tx,
                org: OrgId,
                after: Option<String>,
            ) -> Result<Page<$row, String>, StoreError> {
                let (terms, filter) = (&self.0.terms, self.0.get());
                $report(
                    tx,
                    org,
                    terms,
                    &filter,
                    after.as_deref(),
                    PageLimit::LARGEST,
                )
                .await
            }
        }
    };
}

group_pages!(AgentPages, AgentRow, reports::agents);
group_pages!(NumberPages, NumberRow, reports::numbers);
group_pages!(HourPages, HourRow, reports::hourly);

/// Every row of the report `kind` under `filter`, in a file named after the type.
pub async fn report(
    scope: OrgScope,
    kind: ReportType,
    filter: ReportFilter,
    bom: bool,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let file = kind.as_str();
    match kind {
        ReportType::Calls => csv(scope, CallPages(filter), file, bom, headers).await,
        ReportType::Daily => csv(scope, DailyPages(filter), file, bom, headers).await,
        ReportType::Agents => csv(scope, AgentPages(filter), file, bom, headers).await,
        ReportType::Numbers => csv(scope, NumberPages(filter), file, bom, headers).await,
        ReportType::Hourly => csv(scope, HourPages(filter), file, bom, headers).await,
    }
}

/// What the stream carries from one page to the next.
struct Progress<P: Pages> {
    scope: OrgScope,
    pages: P,
    sheet: Sheet,
    after: Option<P::Key>,
}

/// Every row of `pages` as `<file>.csv` once they are counted: a header row (also for an empty
/// range), a UTF-8 byte order mark first when `bom`, gzipped when `headers` accept it.
pub async fn csv<P: Pages>(
    scope: OrgScope,
    pages: P,
    file: &str,
    bom: bool,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let rows = pages.count(scope.tx(), scope.org).await?;
    if rows > MAX_ROWS {
        return Err(ApiError::Unprocessable {
            code: "export_too_large",
            message: format!(
                "a CSV export holds at most {MAX_ROWS} rows and this one has more: \
                 narrow the date range or the filters"
            ),
        });
    }
    let sheet = Sheet::new(&pages.blank(), bom).map_err(ApiError::internal)?;
    let start = Progress {
        scope,
        pages,
        sheet,
        after: None,
    };
    let chunks = futures::stream::try_unfold(Some(start), |progress| async move {
        let Some(mut p) = progress else {
            return Ok(None);
        };
        let page = p
            .pages
            .page(p.scope.tx(), p.scope.org, p.after.take())
            .await?;
        for row in &page.rows {
            p.sheet.push(row).map_err(ApiError::internal)?;
        }
        let chunk = p.sheet.take().map_err(ApiError::internal)?;
        let next = match page.next {
            Some(after) => {
                p.after = Some(after);
                Some(p)
            }
            None => {
                p.scope.commit().await?;
                None
            }
        };
        Ok::<_, ApiError>(Some((chunk, next)))
    });
    // Past the headers an error can only cut the body short; the log keeps its cause.
    let chunks = futures::TryStreamExt::inspect_err(chunks, |e| {
        tracing::error!(error = ?e, "CSV export failed while streaming");
    });
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}.csv\""))
        .map_err(ApiError::internal)?;
    let response = (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (CONTENT_DISPOSITION, disposition),
        ],
        Body::from_stream(chunks),
    )
        .into_response();
    Ok(gzip_if_accepted(headers, response).await)
}

/// tower-http's content negotiation and gzip encoder, applied to this one response (the JSON
/// replies of the router stay as they are).
async fn gzip_if_accepted(headers: &HeaderMap, response: Response) -> Response {
    let mut request = Request::new(());
    for value in headers.get_all(ACCEPT_ENCODING) {
        request.headers_mut().append(ACCEPT_ENCODING, value.clone());
    }
    // The service answers its one request with the response already built.
    let mut response = Some(response);
    let service = CompressionLayer::new().layer(service_fn(move |_: Request<()>| {
        ready(Ok::<_, Infallible>(response.take().unwrap_or_default()))
    }));
    match service.oneshot(request).await {
        Ok(compressed) => compressed.map(Body::new),
        Err(never) => match never {},
    }
}
