//! Fetches the next page while the current one is written: MightyCall's latency and JSON parsing
//! overlap with the database work instead of adding to it. One page waits in the channel and at
//! most one more is in flight; both are dropped, and the reader stopped, when the run pauses or
//! ends, so no request is spent after the run has moved on.

use domain::JobStatus;
use futures::StreamExt;
use futures::stream::BoxStream;
use mightycall::{MightyCallError, Page};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::failure::Stop;

type PageResult<T> = Result<Page<T>, MightyCallError>;

pub(crate) struct ReadAhead<T> {
    pages: mpsc::Receiver<PageResult<T>>,
    reader: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> ReadAhead<T> {
    pub(crate) fn start(mut pages: BoxStream<'static, PageResult<T>>) -> Self {
        let (sender, receiver) = mpsc::channel(1);
        let reader = tokio::spawn(async move {
            while let Some(page) = pages.next().await {
                let failed = page.is_err();
                if sender.send(page).await.is_err() || failed {
                    break;
                }
            }
        });
        Self {
            pages: receiver,
            reader: Some(reader),
        }
    }

    /// The next page. Paging always ends with a page without `next` (or an error), so the caller
    /// stops there; a reader that stops before it (a panic while fetching or decoding) is an
    /// error, never the end of the data: pages after it would be lost and the watermark pass them.
    pub(crate) async fn next(&mut self) -> Result<Page<T>, Stop> {
        if let Some(page) = self.pages.recv().await {
            return Ok(page?);
        }
        let panicked = match self.reader.take() {
            Some(reader) => reader.await.is_err_and(|e| e.is_panic()),
            None => false,
        };
        tracing::error!(
            panicked,
            "the MightyCall page reader stopped before the last page"
        );
        Err(Stop::End {
            status: JobStatus::Failed,
            code: "internal_error",
            message: "reading MightyCall's pages stopped before the last page; the next run continues from the last saved page"
                .into(),
        })
    }
}

impl<T> Drop for ReadAhead<T> {
    fn drop(&mut self) {
        if let Some(reader) = self.reader.take() {
            reader.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]

    use super::*;
    use mightycall::PageCursor;

    fn page(next: Option<u32>) -> PageResult<u8> {
        Ok(Page {
            items: vec![1],
            skipped: Vec::new(),
            duplicates: 0,
            cursor: PageCursor::Offset { skip: 0 },
            next: next.map(|skip| PageCursor::Offset { skip }),
            total: None,
        })
    }

    fn ended_early<T>(result: Result<Page<T>, Stop>) -> bool {
        matches!(
            result,
            Err(Stop::End {
                status: JobStatus::Failed,
                code: "internal_error",
                ..
            })
        )
    }

    #[tokio::test]
    async fn pages_arrive_in_order_up_to_the_last() {
        let pages = futures::stream::iter([page(Some(1)), page(Some(2)), page(None)]).boxed();
        let mut reader = ReadAhead::start(pages);
        let mut nexts = Vec::new();
        loop {
            let Ok(page) = reader.next().await else {
                panic!("a page was lost");
            };
            nexts.push(page.next);
            if page.next.is_none() {
                break;
            }
        }
        assert_eq!(nexts.len(), 3);
    }

    #[tokio::test]
    async fn a_reader_that_panics_before_the_last_page_is_an_error() {
        let pages = futures::stream::iter([page(Some(1))])
            .chain(futures::stream::once(async { panic!("decoder bug") }))
            .boxed();
        let mut reader = ReadAhead::start(pages);
        assert!(reader.next().await.is_ok());
        assert!(ended_early(reader.next().await));
    }

    #[tokio::test]
    async fn paging_that_ends_without_a_last_page_is_an_error() {
        let mut reader = ReadAhead::start(futures::stream::iter([page(Some(1))]).boxed());
        assert!(reader.next().await.is_ok());
        assert!(ended_early(reader.next().await));
    }

    #[tokio::test]
    async fn a_dropped_reader_fetches_nothing_more() {
        let fetched = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&fetched);
        let endless = futures::stream::repeat_with(move || {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            page(Some(1))
        })
        .then(|page| async {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            page
        })
        .boxed();
        let mut reader = ReadAhead::start(endless);
        assert!(reader.next().await.is_ok());
        drop(reader);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let after_drop = fetched.load(std::sync::atomic::Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(
            fetched.load(std::sync::atomic::Ordering::SeqCst),
            after_drop
        );
        assert!(
            after_drop <= 4,
            "at most one page waits and one is in flight: {after_drop}"
        );
    }
}
