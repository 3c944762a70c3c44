//! Paging as a stream of pages, so that a caller can upsert and checkpoint per page. Two schemes:
//! offset (`skip`/`pageSize` with `data.total`: calls, voicemails) and page numbers (`page` from 1:
//! journal, which has no total and ends on a short page; contacts, with a nullable `pages`).

use crate::config::PageSize;
use crate::decode::{Decoded, SkippedRecord};
use crate::error::MightyCallError;
use crate::models::Identified;
use futures::StreamExt;
use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::future::Future;

/// Where a page starts; `Page::next` is where to resume after a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageCursor {
    Offset { skip: u32 },
    Number { page: u32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Records that could not be read; the rest of the page is in `items`.
    pub skipped: Vec<SkippedRecord>,
    /// Rows already returned on an earlier page of this stream (offset paging over a window that
    /// still receives rows shifts them), dropped from `items`.
    pub duplicates: usize,
    pub cursor: PageCursor,
    pub next: Option<PageCursor>,
    /// `data.total` / `data.records` where the endpoint reports one.
    pub total: Option<u64>,
}

pub(crate) struct RawPage<T> {
    pub(crate) decoded: Decoded<T>,
    /// Rows the server returned, readable or not: the short-page test must count them all.
    pub(crate) returned: usize,
    pub(crate) total: Option<u64>,
    pub(crate) pages: Option<u64>,
}

fn next_cursor<T>(cursor: PageCursor, page_size: PageSize, raw: &RawPage<T>) -> Option<PageCursor> {
    let returned = u32::try_from(raw.returned).unwrap_or(u32::MAX);
    if returned == 0 || returned < page_size.get() {
        return None;
    }
    match cursor {
        PageCursor::Offset { skip } => {
            let skip = skip.saturating_add(returned);
            let past_total = raw.total.is_some_and(|total| u64::from(skip) >= total);
            (!past_total).then_some(PageCursor::Offset { skip })
        }
        PageCursor::Number { page } => {
            let last = raw.pages.is_some_and(|pages| u64::from(page) >= pages);
            (!last).then_some(PageCursor::Number {
                page: page.saturating_add(1),
            })
        }
    }
}

struct State<F> {
    fetch: F,
    next: Option<PageCursor>,
    seen: HashSet<String>,
}

pub(crate) fn paginate<T, F, Fut>(
    start: PageCursor,
    page_size: PageSize,
    fetch: F,
) -> BoxStream<'static, Result<Page<T>, MightyCallError>>
where
    T: Identified + Send + 'static,
    F: FnMut(PageCursor) -> Fut + Send + 'static,
    Fut: Future<Output = Result<RawPage<T>, MightyCallError>> + Send,
{
    let state = State {
        fetch,
        next: Some(start),
        seen: HashSet::new(),
    };
    let pages = futures::stream::try_unfold(state, move |mut state| async move {
        let Some(cursor) = state.next else {
            return Ok(None);
        };
        let raw = (state.fetch)(cursor).await?;
        let next = next_cursor(cursor, page_size, &raw);
        let before = raw.decoded.items.len();
        let items: Vec<T> = raw
            .decoded
            .items
            .into_iter()
            .filter(|item| state.seen.insert(item.id().to_owned()))
            .collect();
        let page = Page {
            duplicates: before - items.len(),
            items,
            skipped: raw.decoded.skipped,
            cursor,
            next,
            total: raw.total,
        };
        state.next = next;
        Ok(Some((page, state)))
    });
    pages.boxed()
}

impl PageCursor {
    /// The skip or page number, whichever this cursor holds.
    pub(crate) fn position(self) -> u32 {
        match self {
            Self::Offset { skip } => skip,
            Self::Number { page } => page,
        }
    }
}
