//! `/orgs/{orgId}/team` (org admins): the org's members with their role and MightyCall extension;
//! invite by email with a role (the invite link is shown once, to pass on), change a role, set an
//! extension, remove a member after a confirmation step. Every change goes through
//! `actions::members`, as the API's routes do; the database keeps an org admin in every org.

use actions::members;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use domain::{Extension, OrgRole, UserId};
use maud::{Markup, html};
use serde::Deserialize;
use store::members::Member;
use web::{ApiError, Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::forms::{Refusal, admin_scope, origin, see_other, shown_once};
use crate::pages::layout;

const ROLES: [(OrgRole, &str); 3] = [
    (OrgRole::Agent, "Agent"),
    (OrgRole::OrgManager, "Manager"),
    (OrgRole::OrgAdmin, "Org admin"),
];

#[derive(Deserialize)]
pub struct InviteForm {
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

#[derive(Deserialize)]
pub struct RoleForm {
    csrf: String,
    #[serde(default)]
    role: String,
}

#[derive(Deserialize)]
pub struct ExtensionForm {
    csrf: String,
    #[serde(default)]
    extension: String,
}

#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: String,
}

#[derive(Deserialize, Default)]
pub struct Done {
    /// What was just changed, for the notice: `role`, `extension`, `removed`.
    done: Option<String>,
}

enum Shown {
    Plain(Option<&'static str>),
    Refused(Refusal),
    /// The invite link, this once, and whom it is for.
    Invited {
        link: String,
        email: String,
    },
    /// "Are you sure?" before removing this member.
    ConfirmRemove(UserId),
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "role" => Some("Role changed."),
        "extension" => Some("Extension saved."),
        "removed" => Some("Member removed."),
        _ => None,
    }
}

fn who(m: &Member) -> &str {
    m.full_name
        .as_deref()
        .or(m.email.as_deref())
        .unwrap_or("(no name)")
}

fn role_select(id: &str, selected: Option<OrgRole>) -> Markup {
    html! {
        select id=(id) name="role" required {
            @for (role, label) in ROLES {
                option value=(role.as_str()) selected[selected == Some(role)] { (label) }
            }
        }
    }
}

fn member_row(org: &str, csrf: &str, m: &Member) -> Markup {
    let base = format!("/orgs/{org}/team/{}", m.user_id);
    let id = m.user_id.to_string();
    html! {
        tr data-member=(id) {
            th scope="row" {
                (who(m))
                @if let (Some(email), Some(_)) = (&m.email, &m.full_name) { br; span.muted { (email) } }
            }
            td {
                form.inline method="post" action={ (base) "/role" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label.visually-hidden for={ "role-" (id) } { "Role of " (who(m)) }
                    (role_select(&format!("role-{id}"), Some(m.role)))
                    button type="submit" { "Change" }
                }
            }
            td {
                form.inline method="post" action={ (base) "/extension" } {
                    input type="hidden" name="csrf" value=(csrf);
                    label.visually-hidden for={ "ext-" (id) } { "Extension of " (who(m)) }
                    input id={ "ext-" (id) } type="text" name="extension" inputmode="numeric"
                        pattern="[0-9]{1,10}" maxlength="10" size="6"
                        value=(m.mightycall_extension.as_deref().unwrap_or(""));
                    button type="submit" { "Save" }
                }
            }
            td { a href={ (base) "/remove" } { "Remove…" } }
        }
    }
}

fn invite_section(org: &str, csrf: &str, invited: Option<(&str, &str)>) -> Markup {
    html! {
        section aria-labelledby="invite" {
            h2 #invite { "Invite someone" }
            @if let Some((link, email)) = invited {
                p.notice role="status" { "Invite for " (email) " created. Pass this link on to them; it is shown only this once and works for 7 days." }
                label for="invite-link" { "Invite link" }
                div.copy-row {
                    input #invite-link type="text" readonly value=(link);
                    button.copy type="button" data-copy="invite-link" hidden { "Copy" }
                }
            }
            form.stack method="post" action={ "/orgs/" (org) "/team/invite" } {
                input type="hidden" name="csrf" value=(csrf);
                label for="invite-email" { "Email" }
                input #invite-email type="email" name="email" required autocomplete="off";
                label for="invite-role" { "Role" }
                (role_select("invite-role", Some(OrgRole::Agent)))
                button type="submit" { "Create invite link" }
            }
        }
    }
}

async fn render(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    shown: Shown,
) -> Result<Response, PageError> {
    let need = Need::Admin { write: false };
    let page = OrgPage::open(state, headers, request_id, org, need).await?;
    let members = store::members::list_members(page.scope.tx(), page.scope.org).await?;
    let org_path = page.scope.org.to_string();
    let csrf = page.csrf();
    let removing = match &shown {
        Shown::ConfirmRemove(user) => Some(
            members
                .iter()
                .find(|m| m.user_id == *user)
                .ok_or_else(|| PageError::from(ApiError::NotFound("member")))?,
        ),
        _ => None,
    };
    let status = match &shown {
        Shown::Refused(r) => r.status,
        _ => StatusCode::OK,
    };
    let content = html! {
        h1 { "Team" }
        @match &shown {
            Shown::Refused(r) => { p.notice role="alert" { "Not changed: " (r.message) } }
            Shown::Plain(Some(n)) => { p.notice role="status" { (n) } }
            _ => {}
        }
        @if let Some(m) = removing {
            section.confirm aria-labelledby="confirm" {
                h2 #confirm { "Remove " (who(m)) "?" }
                p { "They lose access to this organisation at once. Their calls stay." }
                form method="post" action={ "/orgs/" (org_path) "/team/" (m.user_id) "/remove" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "Yes, remove " (who(m)) }
                    " "
                    a href={ "/orgs/" (org_path) "/team" } { "Cancel" }
                }
            }
        }
        section aria-labelledby="members" {
            h2 #members { "Members" }
            div.table-wrap {
                table.calls {
                    thead { tr { th scope="col" { "Member" } th scope="col" { "Role" } th scope="col" { "Extension" } th scope="col" { span.visually-hidden { "Remove" } } } }
                    tbody { @for m in &members { (member_row(&org_path, csrf, m)) } }
                }
            }
            p.note { "The extension is the member's MightyCall extension: calls on it are theirs." }
        }
        @let invited = match &shown { Shown::Invited { link, email } => Some((link.as_str(), email.as_str())), _ => None };
        (invite_section(&org_path, csrf, invited))
    };
    let body = layout::page("Team", &page.shell("team"), content);
    Ok(page.respond((status, body)))
}

fn parse_user(raw: &str) -> Result<UserId, PageError> {
    raw.parse()
        .map_err(|_| PageError::from(ApiError::NotFound("member")))
}

fn parse_role(raw: &str) -> Result<OrgRole, Refusal> {
    raw.parse()
        .map_err(|e: domain::ParseError| Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e.0))
}

pub async fn show(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, PageError> {
    let shown = Shown::Plain(notice(done.done.as_deref()));
    render(&state, &headers, request_id, &org, shown).await
}

/// Creates the invite and shows its link on this answer only.
pub async fn invite(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let invited = match parse_role(&form.role) {
        Ok(role) => members::invite(scope, form.email.trim(), role)
            .await
            .map_err(Refusal::of),
        Err(refusal) => Err(Ok(refusal)),
    };
    let shown = match invited {
        Ok(invited) => Shown::Invited {
            link: format!(
                "{}/invite/{}",
                origin(&headers).unwrap_or_default(),
                invited.token
            ),
            email: invited.invite.email,
        },
        Err(refusal) => Shown::Refused(refusal?),
    };
    let page = render(&state, &headers, request_id, &org, shown).await?;
    Ok(shown_once(page))
}

/// Runs a member change; 303 back to the team page, or the page with why it was refused.
async fn change(
    state: &WebState,
    headers: &HeaderMap,
    request_id: RequestId,
    org: &str,
    done: &str,
    result: Result<(), ApiError>,
) -> Result<Response, PageError> {
    match result {
        Ok(()) => Ok(see_other(format!("/orgs/{org}/team?done={done}"))),
        Err(e) => {
            let shown = Shown::Refused(Refusal::of(e)?);
            render(state, headers, request_id, org, shown).await
        }
    }
}

pub async fn role(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, user)): Path<(String, String)>,
    Form(form): Form<RoleForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let user = parse_user(&user)?;
    let result = match parse_role(&form.role) {
        Ok(role) => members::change_role(scope, user, role).await.map(drop),
        Err(refusal) => {
            let shown = Shown::Refused(refusal);
            return render(&state, &headers, request_id, &org, shown).await;
        }
    };
    change(&state, &headers, request_id, &org, "role", result).await
}

pub async fn extension(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, user)): Path<(String, String)>,
    Form(form): Form<ExtensionForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let user = parse_user(&user)?;
    let raw = form.extension.trim();
    let extension = match (!raw.is_empty()).then(|| Extension::parse(raw)).transpose() {
        Ok(extension) => extension,
        Err(e) => {
            let refusal = Refusal::new(StatusCode::UNPROCESSABLE_ENTITY, e.0);
            return render(&state, &headers, request_id, &org, Shown::Refused(refusal)).await;
        }
    };
    let result = members::set_extension(scope, user, extension)
        .await
        .map(drop);
    change(&state, &headers, request_id, &org, "extension", result).await
}

/// The removal's confirmation step.
pub async fn confirm_remove(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, user)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let user = parse_user(&user)?;
    render(
        &state,
        &headers,
        request_id,
        &org,
        Shown::ConfirmRemove(user),
    )
    .await
}

pub async fn remove(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path((org, user)): Path<(String, String)>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    let scope = admin_scope(&state, &headers, request_id.clone(), &org, &form.csrf).await?;
    let user = parse_user(&user)?;
    let result = members::remove(scope, user).await;
    change(&state, &headers, request_id, &org, "removed", result).await
}
