//! The page shell (head, navigation, org switcher, sign-out) and the error page.

use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};
use store::access::Access;
use store::orgs::OrgWithRole;

/// The signed-in context of a page's shell.
pub struct Shell<'a> {
    /// The orgs the viewer can open (the switcher), and the one shown.
    pub orgs: &'a [OrgWithRole],
    pub current: Option<&'a OrgWithRole>,
    /// The page of the current org being shown, for the navigation's `aria-current`.
    pub page: &'static str,
    pub csrf: &'a str,
    /// What the viewer may do in the org shown: the navigation lists only the pages they may open.
    pub access: Option<Access>,
    /// The viewer is a platform admin: the navigation offers the platform page.
    pub platform: bool,
}

/// Who a page of an org is for. The navigation shows a page only to them; its route checks again
/// (its `Need`), so a typed URL gets the 403 page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Members,
    /// Org admins (the settings, integration, team and audit pages).
    Admins,
}

impl Audience {
    fn admits(self, access: &Access) -> bool {
        match self {
            Self::Members => access.is_member(),
            Self::Admins => access.is_admin(),
        }
    }
}

/// The pages of an org in the navigation (only pages that exist), and whom each is for.
const ORG_PAGES: &[(&str, &str, Audience)] = &[
    ("dashboard", "Dashboard", Audience::Members),
    ("calls", "Calls", Audience::Members),
    ("reports", "Reports", Audience::Members),
    ("live", "Live", Audience::Members),
    ("missed-calls", "Missed calls", Audience::Members),
    ("recordings", "Recordings", Audience::Members),
    ("voicemails", "Voicemails", Audience::Members),
    ("sms", "SMS", Audience::Members),
    ("contacts", "Contacts", Audience::Members),
    ("numbers", "Phone numbers", Audience::Members),
    ("sync", "Sync", Audience::Members),
    ("settings", "Settings", Audience::Admins),
    ("integration", "Integration", Audience::Admins),
    ("team", "Team", Audience::Admins),
    ("audit", "Audit log", Audience::Admins),
];

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            title { (title) " · VictorySync" }
            link rel="stylesheet" href="/assets/app.css";
            script src="/assets/app.js" defer {}
        }
    }
}

/// A signed-in page.
pub fn page(title: &str, shell: &Shell<'_>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "VictorySync" }
                    @if let (Some(org), Some(access)) = (shell.current, &shell.access) {
                        nav aria-label="Pages" {
                            ul {
                                @for (slug, label, _) in ORG_PAGES.iter().filter(|p| p.2.admits(access)) {
                                    li {
                                        a href={ "/orgs/" (org.id) "/" (slug) }
                                          aria-current=[(shell.page == *slug).then_some("page")] { (label) }
                                    }
                                }
                            }
                        }
                    }
                    @if shell.platform {
                        a.platform href="/platform" aria-current=[(shell.page == "platform").then_some("page")] { "Platform" }
                    }
                    @if shell.orgs.len() > 1 {
                        details.switcher {
                            summary { "Organisation: " (shell.current.map_or("choose", |o| o.name.as_str())) }
                            ul {
                                @for org in shell.orgs {
                                    li { a href={ "/orgs/" (org.id) "/dashboard" } { (org.name) } }
                                }
                            }
                        }
                    } @else if let Some(org) = shell.current {
                        span.org { (org.name) }
                    }
                    form.signout method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(shell.csrf);
                        button type="submit" { "Sign out" }
                    }
                }
                main #main { (content) }
            }
        }
    }
}

/// A page outside the signed-in shell (sign-in, errors).
pub fn bare(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body {
                header.top { a.brand href="/" { "VictorySync" } }
                main #main { (content) }
            }
        }
    }
}

/// A signed-out page of forms (signing in): its heading, a notice of what just happened, the forms.
pub fn form_page(title: &str, notice: Option<&str>, forms: Markup) -> Markup {
    bare(
        title,
        html! {
            h1 { (title) }
            @if let Some(notice) = notice {
                p.notice role="alert" { (notice) }
            }
            (forms)
        },
    )
}

pub fn error_page(status: StatusCode, message: &str, request_id: &str) -> Markup {
    let title = match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    bare(
        title,
        html! {
            h1 { (title) }
            p.error { (message) }
            p.muted { "Request id: " code { (request_id) } }
            p { a href="/" { "Back to the start" } }
        },
    )
}
