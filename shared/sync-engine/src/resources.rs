//! One loop per kind of resource. Each fetched page is written in a single transaction together
//! with the job's counters, the requests it cost and the resume point, so a crash at any moment
//! loses nothing and a re-run repeats at most one page.

use std::future::Future;
use std::time::Instant;

use chrono::{DateTime, Utc};
use domain::{OrgId, Resource};
use futures::stream::BoxStream;
use mightycall::models::{Call, Contact, JournalRequest, JournalType, Voicemail};
use mightycall::{
    CallsQuery, ContactsQuery, JournalQuery, MightyCallClient, MightyCallError, Page, PageCursor,
    UtcWindow, VoicemailsQuery,
};
use store::sync_jobs::{self, Job, Lease, PageCounts};
use store::{Db, ServiceTx, StoreError};

use crate::client::OrgClient;
use crate::failure::Stop;
use crate::mapping::{self, SkipReason};
use crate::read_ahead::ReadAhead;
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
        let used = self.org.client.budget().map_or(0, |b| b.spent());
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
        tx: ServiceTx,
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
        tx: &'a ServiceTx,
        org: OrgId,
        items: &'a [Self::Item],
    ) -> impl Future<Output = Result<Written, StoreError>> + Send + 'a;
}

/// What writing a page did: rows inserted or changed, and the records left out.
pub(crate) struct Written {
    upserted: u64,
    skipped: Vec<SkipReason>,
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
    async fn write(tx: &ServiceTx, org: OrgId, items: &[Call]) -> Result<Written, StoreError> {
        let page = mapping::rows(items, mapping::call, |r| &r.external_id);
        Ok(Written {
            upserted: store::sync_rows::upsert_calls(tx, org, &page.rows).await?,
            skipped: page.skipped,
        })
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
    async fn write(
        tx: &ServiceTx,
        org: OrgId,
        items: &[JournalRequest],
    ) -> Result<Written, StoreError> {
        let page = mapping::rows(items, mapping::sms, |r| &r.external_id);
        Ok(Written {
            upserted: store::sync_rows::upsert_sms(tx, org, &page.rows).await?,
            skipped: page.skipped,
        })
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
    async fn write(tx: &ServiceTx, org: OrgId, items: &[Voicemail]) -> Result<Written, StoreError> {
        let page = mapping::rows(items, mapping::voicemail, |r| &r.external_id);
        Ok(Written {
            upserted: store::sync_rows::upsert_voicemails(tx, org, &page.rows).await?,
            skipped: page.skipped,
        })
    }
}

/// A page's counters: `read` records parsed, `unreadable` ones the client could not parse. The
/// reasons for the records left out go into `progress`, written in the same transaction.
fn tally(read: usize, unreadable: usize, written: &Written, progress: &mut Progress) -> PageCounts {
    progress.skip(SkipReason::Unreadable, unreadable);
    for reason in &written.skipped {
        progress.skip(*reason, 1);
    }
    let size = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    PageCounts {
        fetched: size(read.saturating_add(unreadable)),
        upserted: i32::try_from(written.upserted).unwrap_or(i32::MAX),
        skipped: size(unreadable.saturating_add(written.skipped.len())),
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
            let pages = pages
                .get_or_insert_with(|| ReadAhead::start(W::pages(&ctx.org.client, window, resume)));
            let page = pages.next().await?;
            let tx = ctx.db.as_service().await?;
            let written = W::write(&tx, ctx.org_id(), &page.items).await?;
            let chunk_done = page.next.is_none();
            if chunk_done {
                progress.chunk_start = Some(to);
                progress.next = None;
            } else {
                progress.next = page.next;
            }
            let counts = tally(
                page.items.len(),
                page.skipped.len(),
                &written,
                &mut progress,
            );
            ctx.commit_page(tx, counts, &progress, chunk_done.then_some(to))
                .await?;
            if chunk_done {
                break;
            }
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
        let pages = pages.get_or_insert_with(|| {
            ReadAhead::<Contact>::start(ctx.org.client.contacts(query.clone()))
        });
        let page = pages.next().await?;
        let tx = ctx.db.as_service().await?;
        let mapped = mapping::rows(&page.items, mapping::contact, |r| &r.external_id);
        let written = Written {
            upserted: store::sync_rows::upsert_contacts(&tx, ctx.org_id(), &mapped.rows).await?,
            skipped: mapped.skipped,
        };
        progress.next = page.next;
        let done = page.next.is_none();
        let counts = tally(
            page.items.len(),
            page.skipped.len(),
            &written,
            &mut progress,
        );
        ctx.commit_page(tx, counts, &progress, done.then_some(run_started))
            .await?;
        if done {
            break;
        }
    }
    Ok(())
}

/// Phone numbers: one request, a full refresh.
pub(crate) async fn sync_phone_numbers(ctx: &mut RunCtx<'_>) -> Result<(), Stop> {
    let numbers = ctx.org.client.phone_numbers().await?;
    let listed = (numbers.active.iter().map(|n| (n, false)))
        .chain(numbers.deleted.iter().map(|n| (n, true)));
    let mapped = mapping::rows(
        listed,
        |(n, deleted)| mapping::phone_number(n, deleted),
        |r| &r.external_id,
    );
    let tx = ctx.db.as_service().await?;
    let mut upserted =
        store::sync_rows::upsert_phone_numbers(&tx, ctx.org_id(), &mapped.rows).await?;
    // Only a refresh that read the whole active list may conclude that a number is gone: a null
    // list, or records that could not be read or kept, say nothing about the numbers missing.
    let read_all =
        !numbers.active.is_empty() && numbers.skipped.is_empty() && mapped.skipped.is_empty();
    if read_all {
        upserted +=
            store::sync_rows::mark_vanished_phone_numbers(&tx, ctx.org_id(), &mapped.rows).await?;
    }
    let mut progress = Progress::default();
    let counts = tally(
        numbers.active.len() + numbers.deleted.len(),
        numbers.skipped.len(),
        &Written {
            upserted,
            skipped: mapped.skipped,
        },
        &mut progress,
    );
    ctx.commit_page(tx, counts, &progress, Some(Utc::now()))
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
