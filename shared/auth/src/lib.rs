//! Authentication for the HTTP functions: verifies `Authorization: Bearer <Supabase access token>`.
//!
//! HS256 tokens are checked with the project's JWT secret, ES256/RS256 tokens with the project's
//! JWKS (cached, refreshed on an unknown `kid`, fail closed). Only the verified claims identify the
//! caller; identity headers (a user id sent by the client) are never read. Whether a user is a platform admin
//! is decided by the database, never by token metadata.
//!
//! The crate reads no environment variables: the caller's config loader builds an [`AuthConfig`]
//! once and passes the current [`JwtSecret`] to every [`Authenticator::verify`] call, so a rotated
//! secret takes effect without rebuilding the authenticator.

mod config;
mod error;
mod jwks;
mod user;
mod verify;

pub use config::{AuthConfig, ConfigError, JwtSecret};
pub use error::AuthError;
pub use user::VerifiedUser;
pub use verify::Authenticator;
