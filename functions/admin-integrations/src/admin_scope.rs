//! The scope of every admin route: an org admin of the path's `{org_id}`.

use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use web::{ApiError, ApiPath, Caller, Need, OrgScope};

use crate::AdminState;
use crate::paths::OrgPath;

/// An [`OrgScope`] for an org admin of the org in the path. Anything but `GET` is a write, so the
/// MFA policy applies to it.
pub struct OrgAdmin(pub OrgScope);

impl FromRequestParts<AdminState> for OrgAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AdminState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let ApiPath(path) = ApiPath::<OrgPath>::from_request_parts(parts, state).await?;
        let write = parts.method != Method::GET;
        OrgScope::open(
            &state.core,
            caller,
            Some(path.org_id),
            Need::Admin { write },
        )
        .await
        .map(Self)
    }
}
