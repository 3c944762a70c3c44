//! An org admin manages the org's members: invites by email with a role, changes a member's role
//! or MightyCall extension, removes a member. Each change is written in the admin's own RLS scope
//! (opened with `Need::Admin { write: true }`) and audited in the same transaction, for the API's
//! routes and the team page alike. The database keeps an org admin in every org (409
//! `last_org_admin`) and one member per extension (409 `extension_taken`).

use chrono::{Duration, Utc};
use domain::{Email, Extension, InviteToken, OrgId, OrgRole, UserId};
use serde_json::json;
use store::Tx;
use store::invites::{self, Invite, NewInvite};
use store::members::{self, Member};
use web::{ApiError, Caller, OrgScope};

/// How long an invite stays valid.
const INVITE_TTL_DAYS: i64 = 7;

/// A new invite and its token, which is shown this once: only its hash is stored.
pub struct Invited {
    pub invite: Invite,
    pub token: String,
}

/// An email address as sent (422 `invalid_email`).
pub fn parse_email(raw: &str) -> Result<Email, ApiError> {
    Email::parse(raw).map_err(|e| ApiError::Unprocessable {
        code: "invalid_email",
        message: e.to_string(),
    })
}

/// Creates an invite to `org` in `tx` and audits it as `invite.created` (never the token).
pub async fn create_invite(
    tx: &Tx,
    caller: &Caller,
    org: OrgId,
    email: &Email,
    role: OrgRole,
) -> Result<Invited, ApiError> {
    let token = InviteToken::generate();
    let invite = invites::create_invite(
        tx,
        &NewInvite {
            org,
            email: email.as_str(),
            role,
            token_hash: &token.hash(),
            invited_by: caller.user.user_id,
            expires_at: Utc::now() + Duration::days(INVITE_TTL_DAYS),
        },
    )
    .await?;
    caller
        .audit(
            tx,
            org,
            "invite.created",
            Some(&invite.id.to_string()),
            json!({ "email": email, "role": role }),
        )
        .await?;
    Ok(Invited {
        invite,
        token: token.expose().to_owned(),
    })
}

/// Invites `email` (as sent) to the scope's org with `role`.
pub async fn invite(scope: OrgScope, email: &str, role: OrgRole) -> Result<Invited, ApiError> {
    let email = parse_email(email)?;
    let invited = create_invite(scope.tx(), scope.caller(), scope.org, &email, role).await?;
    scope.commit().await?;
    Ok(invited)
}

/// Changes `user`'s role (404 `member` when they are not one).
pub async fn change_role(scope: OrgScope, user: UserId, role: OrgRole) -> Result<Member, ApiError> {
    let member = members::set_role(scope.tx(), scope.org, user, role)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    scope
        .audit(
            "member.role_changed",
            Some(&user.to_string()),
            json!({ "role": role }),
        )
        .await?;
    scope.commit().await?;
    Ok(member)
}

/// Sets or clears (`None`) `user`'s MightyCall extension, which decides whose calls are theirs.
pub async fn set_extension(
    scope: OrgScope,
    user: UserId,
    extension: Option<Extension>,
) -> Result<Member, ApiError> {
    let member = members::set_extension(scope.tx(), scope.org, user, extension.as_ref())
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    scope
        .audit(
            "member.extension_set",
            Some(&user.to_string()),
            json!({ "mightycall_extension": extension }),
        )
        .await?;
    scope.commit().await?;
    Ok(member)
}

/// Removes `user` from the scope's org.
pub async fn remove(scope: OrgScope, user: UserId) -> Result<(), ApiError> {
    if !members::remove_member(scope.tx(), scope.org, user).await? {
        return Err(ApiError::NotFound("member"));
    }
    scope
        .audit("member.removed", Some(&user.to_string()), json!({}))
        .await?;
    scope.commit().await
}
