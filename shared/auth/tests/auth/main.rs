//! Integration tests of the `auth` crate: header parsing, HS256 claims checks, and ES256/RS256
//! through a JWKS served by a real HTTP server on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod hs256;
mod jwks;
