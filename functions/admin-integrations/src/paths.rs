//! Path parameters of the admin routes.

use domain::{OrgId, Provider, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OrgPath {
    /// The organisation.
    pub org_id: OrgId,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProviderPath {
    pub org_id: OrgId,
    pub provider: Provider,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MemberPath {
    pub org_id: OrgId,
    pub user_id: UserId,
}
