//! The `user` function: a caller's profile, their organisations, onboarding (create an org or
//! accept an invite), and an org's settings.

mod onboarding;
mod profile;
pub mod routes;
mod settings;

pub use routes::openapi;
