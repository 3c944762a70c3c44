//! One loop per kind of resource. Each fetched page is written in a single transaction together
//! with the job's counters, the requests it cost and the resume point, so a crash at any moment
//! loses nothing and a re-run repeats at most one page.

use std::future::Future;
use std::time::Instant;

use chrono::{DateTime, Utc};
use domain::{OrgId, Resource};
use futures::StreamExt;
use futures::stream::BoxStream;
use mightycall::models::{Call, Contact, JournalRequest, JournalType, Voicemail};
use mightycall::{
    CallsQuery, ContactsQuery, JournalQuery, MightyCallClient, MightyCallError, Page, PageCursor,
    UtcWindow, VoicemailsQuery,
};
use store::sync_jobs::{self, Job, Lease, PageCounts};
use store::{Db, StoreError, Tx};
use tokio::sync::mpsc;

use crate::client::OrgClient;
use crate::failure::Stop;
use crate::mapping;
use crate::window::{Progress, chunks};
use crate::{EngineError, SyncSettings};

/// The state of one run of one job.
pub(crate) struct RunCtx<'a> {
    pub db: &'a Db,
    pub settings: &'a SyncSettings,
    pub job: &'a Job,
    /// Fences every page write: a run that lost the job writes nothing more.
    pub lease: Lease,
    pub org: &'a OrgClient,
    pub deadline: Instant,
    /// Requests already accounted for (the budget counter's value at the last page).
    pub accounted: u32,
}

impl RunCtx<'_> {
    fn near_deadline(&self) -> bool {
        Instant::now() + self.settings.deadline_margin >= self.deadline
    }

    /// Requests spent since the last call.
    pub fn take_requests(&mut self) -> i32 {
        let used = self.org.client.budget().map_or(0, |b| b.used());
        let spent = used.saturating_sub(self.accounted);
        self.accounted = used;
        i32::try_from(spent).unwrap_or(i32::MAX)
    }

    fn org_id(&self) -> OrgId {
        self.job.org_id
    }

    /// Commits one page: rows already written in `tx`, plus counters, requests, resume point and,
    /// when a chunk is complete, the watermark. Rolled back (dropped) when the lease was lost.
    async fn commit_page(
        &mut self,
        tx: Tx,
        mut counts: PageCounts,
        progress: &Progress,
        watermark: Option<DateTime<Utc>>,
    ) -> Result<(), Stop> {
        counts.requests = self.take_requests();
        if !sync_jobs::record_page(&tx, &self.lease, counts, &progress.to_json()).await? {
            // Not recorded: the end of the run counts the page's requests instead.
            let unrecorded = u32::try_from(counts.requests).unwrap_or(0);
            self.accounted = self.accounted.saturating_sub(unrecorded);
            return Err(Stop::Engine(EngineError::LeaseLost));
        }
        sync_jobs::count_requests(&tx, self.org_id(), Utc::now().date_naive(), counts.requests)
            .await?;
        if let Some(to) = watermark.filter(|_| self.job.window_start.is_none()) {
            sync_jobs::advance_watermark(&tx, self.org_id(), self.job.resource, to, self.job.id)
                .await?;
        }
        Ok(tx.commit().await?)
    }

    /// The closed window to sync: the job's explicit range, or from the watermark (minus the
    /// overlap) — or the backfill horizon on a first run — up to now minus the settle delay.
    async fn plan_window(&self) -> Result<(DateTime<Utc>, DateTime<Utc>), Stop> {
        if let (Some(start), Some(end)) = (self.job.window_start, self.job.window_end) {
            return Ok((start, end));
        }
        let tx = self.db.as_service().await?;
        let watermark = sync_jobs::watermark(&tx, self.org_id(), self.job.resource).await?;
        let now = Utc::now();
        let start = watermark.map_or(now - self.settings.backfill, |w| w - self.settings.overlap);
        Ok((start, now - self.settings.settle))
    }
}

/// A resource fetched page by page over a time window.
pub(crate) trait Windowed {
    type Item: Send + 'static;
    fn pages(
        client: &MightyCallClient,
        window: UtcWindow,
        resume: Option<PageCursor>,
    ) -> BoxStream<'static, Result<Page<Self::Item>, MightyCallError>>;
    fn write<'a>(
        tx: &'a Tx,
        org: OrgId,
        items: &'a [Self::Item],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send + 'a;
}

pub(crate) struct Calls;
pub(crate) struct Sms;
pub(crate) struct Voicemails;

impl Windowed for Calls {
    type Item = Call;
    fn pages(
        client: &MightyCallClient,
        window: UtcWindow,
        resume: Option<PageCursor>,
    ) -> BoxStream<'static, Result<Page<Call>, MightyCallError>> {
        let mut query = CallsQuery::new(window);
        if let Some(PageCursor::Offset { skip }) = resume {
            query.skip = skip;
        }
        client.calls(query)
    }
    async fn write(tx: &Tx, org: OrgId, items: &[Call]) -> Result<u64, StoreError> {
        let rows = mapping::dedupe(items.iter().map(mapping::call).collect(), |r| {
            &r.external_id
        });
        store::sync_rows::upsert_calls(tx, org, &rows).await
    }
}

impl Windowed for Sms {
    type Item = JournalRequest;
    fn pages(
        client: &MightyCallClient,
        window: UtcWindow,
        resume: Option<PageCursor>,
    ) -> BoxStream<'static, Result<Page<JournalRequest>, MightyCallError>> {
        let mut query = JournalQuery::new(window, Some(JournalType::Message));
        if let Some(PageCursor::Number { page }) = resume {
            query.page = page;
        }
        client.journal(query)
    }
    async fn write(tx: &Tx, org: OrgId, items: &[JournalRequest]) -> Result<u64, StoreError> {
        let rows = mapping::dedupe(items.iter().map(mapping::sms).collect(), |r| &r.external_id);
        store::sync_rows::upsert_sms(tx, org, &rows).await
    }
}

impl Windowed for Voicemails {
    type Item = Voicemail;
    fn pages(
        client: &MightyCallClient,
        window: UtcWindow,
        resume: Option<PageCursor>,
    ) -> BoxStream<'static, Result<Page<Voicemail>, MightyCallError>> {
        let mut query = VoicemailsQuery::new(window);
        if let Some(PageCursor::Offset { skip }) = resume {
            query.skip = skip;
        }
        client.voicemails(query)
    }
    async fn write(tx: &Tx, org: OrgId, items: &[Voicemail]) -> Result<u64, StoreError> {
        let rows = mapping::dedupe(items.iter().map(mapping::voicemail).collect(), |r| {
            &r.external_id
        });
        store::sync_rows::upsert_voicemails(tx, org, &rows).await
    }
}

type PageResult<T> = Result<Page<T>, MightyCallError>;

/// Fetches the next page while the current one is written: MightyCall's latency and JSON parsing
/// overlap with the database work instead of adding to it. At most one page is read ahead (and
/// wasted if the run pauses).
fn read_ahead<T: Send + 'static>(
    mut pages: BoxStream<'static, PageResult<T>>,
) -> mpsc::Receiver<PageResult<T>> {
    let (sender, receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        while let Some(page) = pages.next().await {
            let failed = page.is_err();
            if sender.send(page).await.is_err() || failed {
                break;
            }
        }
    });
    receiver
}

fn counts<T>(page: &Page<T>, upserted: u64) -> PageCounts {
    let size = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    PageCounts {
        fetched: size(page.items.len() + page.skipped.len()),
        upserted: i32::try_from(upserted).unwrap_or(i32::MAX),
        skipped: size(page.skipped.len()),
        requests: 0,
    }
}

fn window(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<UtcWindow, Stop> {
    UtcWindow::new(from, to).map_err(|e| Stop::Engine(EngineError::Config(e.to_string())))
}

pub(crate) async fn sync_windowed<W: Windowed>(ctx: &mut RunCtx<'_>) -> Result<(), Stop> {
    let mut progress = Progress::from_job(&ctx.job.progress);
    let (start, end) = match progress.window {
        Some(window) => window,
        None => ctx.plan_window().await?,
    };
    progress.window = Some((start, end));
    for (from, to) in chunks(start, end, ctx.settings.chunk) {
        // Chunks before the resume point are done.
        if progress
            .chunk_start
            .is_some_and(|resume_at| from < resume_at)
        {
            continue;
        }
        let resume = if progress.chunk_start == Some(from) {
            progress.next
        } else {
            None
        };
        progress.chunk_start = Some(from);
        progress.next = resume;
        let window = window(from, to)?;
        let mut pages = None;
        loop {
            if ctx.near_deadline() {
                return Err(Stop::Pause(progress.to_json()));
            }
            // Started after the first deadline check, so a run that pauses at once spends nothing.
            let pages =
                pages.get_or_insert_with(|| read_ahead(W::pages(&ctx.org.client, window, resume)));
            let Some(page) = pages.recv().await else {
                break;
            };
            let page = page?;
            let tx = ctx.db.as_service().await?;
            let upserted = W::write(&tx, ctx.org_id(), &page.items).await?;
            let chunk_done = page.next.is_none();
            if chunk_done {
                progress.chunk_start = Some(to);
                progress.next = None;
            } else {
                progress.next = page.next;
            }
            ctx.commit_page(
                tx,
                counts(&page, upserted),
                &progress,
                chunk_done.then_some(to),
            )
            .await?;
        }
    }
    Ok(())
}

/// Contacts change in place: fetched by `updatedSince` (deletions included) from the watermark.
pub(crate) async fn sync_contacts(ctx: &mut RunCtx<'_>) -> Result<(), Stop> {
    let mut progress = Progress::from_job(&ctx.job.progress);
    let (since, run_started) = match progress.window {
        Some(window) => window,
        None => {
            let tx = ctx.db.as_service().await?;
            let watermark = sync_jobs::watermark(&tx, ctx.org_id(), Resource::Contacts).await?;
            let since = watermark.map_or(DateTime::<Utc>::MIN_UTC, |w| w - ctx.settings.overlap);
            (since, Utc::now())
        }
    };
    progress.window = Some((since, run_started));
    let mut query = ContactsQuery::new((since != DateTime::<Utc>::MIN_UTC).then_some(since));
    if let Some(PageCursor::Number { page }) = progress.next {
        query.page = page;
    }
    let mut pages = None;
    loop {
        if ctx.near_deadline() {
            return Err(Stop::Pause(progress.to_json()));
        }
        let pages = pages
            .get_or_insert_with(|| read_ahead::<Contact>(ctx.org.client.contacts(query.clone())));
        let Some(page) = pages.recv().await else {
            break;
        };
        let page = page?;
        let tx = ctx.db.as_service().await?;
        let rows = mapping::dedupe(page.items.iter().map(mapping::contact).collect(), |r| {
            &r.external_id
        });
        let upserted = store::sync_rows::upsert_contacts(&tx, ctx.org_id(), &rows).await?;
        progress.next = page.next;
        let done = page.next.is_none();
        ctx.commit_page(
            tx,
            counts(&page, upserted),
            &progress,
            done.then_some(run_started),
        )
        .await?;
    }
    Ok(())
}

/// Phone numbers: one request, a full refresh.
pub(crate) async fn sync_phone_numbers(ctx: &mut RunCtx<'_>) -> Result<(), Stop> {
    let numbers = ctx.org.client.phone_numbers().await?;
    let rows: Vec<_> = numbers
        .active
        .iter()
        .map(|n| mapping::phone_number(n, false))
        .chain(
            numbers
                .deleted
                .iter()
                .map(|n| mapping::phone_number(n, true)),
        )
        .collect();
    let rows = mapping::dedupe(rows, |r| &r.external_id);
    let tx = ctx.db.as_service().await?;
    let upserted = store::sync_rows::replace_phone_numbers(&tx, ctx.org_id(), &rows).await?;
    let size = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let counts = PageCounts {
        fetched: size(numbers.active.len() + numbers.deleted.len() + numbers.skipped.len()),
        upserted: i32::try_from(upserted).unwrap_or(i32::MAX),
        skipped: size(numbers.skipped.len()),
        requests: 0,
    };
    ctx.commit_page(tx, counts, &Progress::default(), Some(Utc::now()))
        .await?;
    Ok(())
}

/// Recordings come from the synced calls of the window: no MightyCall request.
pub(crate) async fn sync_recordings(ctx: &mut RunCtx<'_>) -> Result<(), Stop> {
    let (start, end) = ctx.plan_window().await?;
    let tx = ctx.db.as_service().await?;
    let upserted = store::sync_rows::derive_recordings(&tx, ctx.org_id(), start, end).await?;
    let counts = PageCounts {
        upserted: i32::try_from(upserted).unwrap_or(i32::MAX),
        ..PageCounts::default()
    };
    ctx.commit_page(tx, counts, &Progress::default(), Some(end))
        .await?;
    Ok(())
}
