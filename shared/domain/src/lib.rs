//! Types that are valid once constructed. Parse at the edge (HTTP, events, database rows), then pass
//! these inward instead of strings.

mod ids;
mod roles;

pub use ids::{OrgId, UserId};
pub use roles::{GlobalRole, OrgRole};

/// A value from outside did not parse; the message says what was expected, never echoes secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);
