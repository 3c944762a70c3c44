//! The `web` function's pages end to end over its router: real database with RLS, the fake
//! Supabase Auth for signing in, the same token verification as the API. (The real-browser flows
//! build on the same site.)

// Test helpers fail the test by panicking, like the assertions they serve.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod admin_access;
mod admin_pages;
mod calls;
mod cookies;
mod dashboard;
mod directory;
mod invite;
mod live;
mod media;
mod missed_calls;
mod platform;
mod reports;
mod second_factor;
mod session_renewal;
mod sign_in;
mod sms;
mod sync;
