//! Path parameters of the admin routes. Each route's `{org_id}` is read by its scope
//! ([`crate::admin_scope::OrgAdmin`]); the other parts of a path by the handler.

use domain::{OrgId, Provider, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// The organisation.
    #[param(inline)]
    pub org_id: OrgId,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProviderPath {
    #[param(inline)]
    pub provider: Provider,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    #[param(inline)]
    pub user_id: UserId,
}
