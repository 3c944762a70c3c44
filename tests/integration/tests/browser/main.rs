//! The pages in a real headless Chromium over WebDriver, against the real stack on loopback (the
//! web function served over HTTP, PostgreSQL with RLS, the fake Supabase Auth). Each run writes a
//! screenshot of every page, desktop and 375 px wide, to `<target>/screenshots/`.

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin;
mod flows;
mod invite;
mod media_and_sms;
mod operations;
mod support;
