//! Joining VictorySync: the caller's profile from their verified token, an organisation they
//! create, or an invite they accept — for the API's onboarding and the invite page alike.

use chrono::Utc;
use domain::{InviteToken, OrgName, OrgRole, UserId};
use serde_json::json;
use store::invites::{self, Acceptance};
use store::orgs::Org;
use store::profiles::{self, NewProfile, Profile};
use store::{access, orgs};
use web::{ApiError, Caller, Core, UserScope};

/// Where a caller stands after onboarding.
#[derive(Debug)]
pub struct Onboarded {
    /// `false` when the request repeated one that had already succeeded.
    pub created: bool,
    pub org: Org,
    pub role: OrgRole,
}

fn onboarded(created: bool, org: Org, role: OrgRole) -> Onboarded {
    Onboarded { created, org, role }
}

/// Creates the profile from the verified token on first sight, and keeps its email equal to the
/// token's. `full_name` comes from the token's user metadata, which is display data only (rights
/// come from the database, never from metadata); the store cleans it.
pub async fn ensure_profile(
    tx: &store::Tx,
    user: &auth::VerifiedUser,
) -> Result<Profile, ApiError> {
    let metadata = &user.claims["user_metadata"];
    let full_name = metadata["full_name"]
        .as_str()
        .or_else(|| metadata["name"].as_str());
    let email = user.email.as_deref().filter(|e| e.len() <= 320);
    Ok(profiles::ensure_profile(
        tx,
        &NewProfile {
            id: user.user_id,
            email,
            full_name,
        },
    )
    .await?)
}

/// Makes sure `caller` has a profile (the invite and the org name it to others).
async fn with_profile(core: &Core, caller: Caller) -> Result<Caller, ApiError> {
    let scope = UserScope::open(core, caller).await?;
    ensure_profile(scope.tx(), &scope.caller.user).await?;
    let caller = scope.caller.clone();
    scope.commit().await?;
    Ok(caller)
}

/// Creates the organisation `raw_name` with the caller as its org admin (audited `org.created`);
/// the same org again when the caller repeats the request.
pub async fn create_org(
    core: &Core,
    caller: Caller,
    raw_name: &str,
) -> Result<Onboarded, ApiError> {
    let caller = with_profile(core, caller).await?;
    create(core, &caller, raw_name).await
}

/// Adds the caller to the org of invite `token` with its role (audited `invite.accepted`): the
/// invite must be live and sent to the caller's email; a repeat by its acceptor answers the org.
pub async fn accept_invite(
    core: &Core,
    caller: Caller,
    token: &str,
) -> Result<Onboarded, ApiError> {
    let caller = with_profile(core, caller).await?;
    accept(core, &caller, token).await
}

async fn create(core: &Core, caller: &Caller, raw_name: &str) -> Result<Onboarded, ApiError> {
    let user = caller.user.user_id;
    let name = OrgName::parse(raw_name).map_err(|e| ApiError::Unprocessable {
        code: "invalid_org_name",
        message: e.0,
    })?;
    // Service path: a new org has no members yet, so no member policy could allow its creation;
    // the rule enforced here is "the caller becomes its only admin".
    let tx = core.db.as_service().await?;
    if let Some(org) = orgs::find_created_org(&tx, user, name.as_str()).await? {
        return Ok(onboarded(false, org, OrgRole::OrgAdmin));
    }
    let org = orgs::create_org(&tx, user, name.as_str()).await?;
    caller
        .audit(
            &tx,
            org.id,
            "org.created",
            Some(&org.id.to_string()),
            json!({ "name": org.name }),
        )
        .await?;
    tx.commit().await?;
    Ok(onboarded(true, org, OrgRole::OrgAdmin))
}

async fn accept(core: &Core, caller: &Caller, token: &str) -> Result<Onboarded, ApiError> {
    let user = &caller.user;
    let hash = InviteToken::parse(token)
        .map_err(|e| ApiError::BadRequest {
            code: "invalid_invite_token",
            message: e.to_string(),
        })?
        .hash();
    let tx = core.db.as_service().await?;
    let invite = invites::lock_invite(&tx, &hash)
        .await?
        .ok_or(ApiError::NotFound("invite"))?;
    let org = orgs::get_org(&tx, invite.org_id)
        .await?
        .ok_or(ApiError::NotFound("invite"))?;
    if let Some(acceptance) = invite.acceptance {
        return replayed(&tx, org, user.user_id, acceptance).await;
    }
    if invite.expires_at <= Utc::now() {
        return Err(ApiError::Unprocessable {
            code: "invite_expired",
            message: "this invite has expired; ask for a new one".into(),
        });
    }
    // The token alone is not enough: it must reach the person it was sent to.
    let email_matches = user
        .email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(&invite.email));
    if !email_matches {
        return Err(ApiError::Forbidden {
            code: "invite_email_mismatch",
            message: "this invite was sent to another email address".into(),
        });
    }
    let role = orgs::add_member(&tx, org.id, user.user_id, invite.role).await?;
    if !invites::mark_accepted(&tx, invite.id, user.user_id).await? {
        return Err(invite_used());
    }
    caller
        .audit(
            &tx,
            org.id,
            "invite.accepted",
            Some(&invite.id.to_string()),
            json!({ "role": role }),
        )
        .await?;
    tx.commit().await?;
    Ok(onboarded(true, org, role))
}

fn invite_used() -> ApiError {
    ApiError::Conflict {
        code: "invite_used",
        message: "this invite has already been used".into(),
    }
}

/// A used invite never adds a membership again: a member who was removed must be invited anew.
/// Only its acceptor, while still a member, gets the org back (with the role they have now), so
/// that repeating a successful request is harmless.
async fn replayed(
    tx: &store::Tx,
    org: Org,
    user: UserId,
    acceptance: Acceptance,
) -> Result<Onboarded, ApiError> {
    if acceptance.by != Some(user) {
        return Err(invite_used());
    }
    match access::access(tx, user, org.id).await?.role {
        Some(role) => Ok(onboarded(false, org, role)),
        None => Err(invite_used()),
    }
}
