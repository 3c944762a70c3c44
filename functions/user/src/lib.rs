//! The `user` function: a caller's profile, organisations and onboarding (routes arrive with the identity issue).

pub mod routes;
