//! The `web` function: the dashboard's pages, server-rendered over the same shared crates as the
//! API (authorised scope, store queries), signed in through Supabase Auth.

mod errors;
mod headers;
mod org_page;
mod pages;
pub mod routes;
mod session;
mod state;
mod supabase;
mod viewer;

pub use state::{WebConfig, WebState};
pub use supabase::SupabaseConfig;
