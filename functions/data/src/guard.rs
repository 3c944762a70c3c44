use domain::OrgId;
use store::Tx;
use web::ApiError;

/// Opens the caller's RLS transaction and checks, in code, that they may read `org`: any member, or
/// a platform admin. Non-members learn nothing about the org (404); RLS applies the same rule again
/// to every query in the transaction. Without `orgId` the caller's only org is meant.
pub async fn member_tx(
    core: &web::Core,
    user: &auth::VerifiedUser,
    org: Option<OrgId>,
) -> Result<(Tx, OrgId), ApiError> {
    let tx = core.db.as_user(&user.claims).await?;
    let org = match org {
        Some(org) => org,
        None => only_org(&tx, user).await?,
    };
    let access = store::access::access(&tx, user.user_id, org).await?;
    if !access.is_member() {
        return Err(ApiError::NotFound("organization"));
    }
    Ok((tx, org))
}

async fn only_org(tx: &Tx, user: &auth::VerifiedUser) -> Result<OrgId, ApiError> {
    // Memberships only: a platform admin sees every org and must always say which one.
    let orgs = store::orgs::orgs_for_user(tx, user.user_id, false).await?;
    match orgs.as_slice() {
        [only] => Ok(only.id),
        _ => Err(ApiError::BadRequest {
            code: "org_required",
            message: "pass orgId: you belong to more than one organisation, or to none".into(),
        }),
    }
}
