//! The caller identity that a verified token proves.

use domain::UserId;
use serde_json::Value;

/// A caller whose token passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedUser {
    /// The token's `sub`.
    pub user_id: UserId,
    pub email: Option<String>,
    /// Supabase's authenticator assurance level (`aal1`, `aal2`), for an optional MFA gate.
    pub aal: Option<String>,
    /// The full verified payload, exactly as signed: the RLS transaction sets it as
    /// `request.jwt.claims` so that `auth.uid()` and `auth.jwt()` see what the issuer signed.
    pub claims: Value,
}

impl VerifiedUser {
    /// Whether the session passed multi-factor authentication (`aal` = `aal2`).
    pub fn is_aal2(&self) -> bool {
        self.aal.as_deref() == Some("aal2")
    }
}
