//! The `user` function: a caller's profile, their organisations, and onboarding (create an org or
//! accept an invite).

mod onboarding;
mod profile;
pub mod routes;

pub use routes::openapi;
