//! `/orgs/{orgId}/audit?action=&from=&to=` (org admins): the org's audit log newest first,
//! filtered by action and by local days of the org's zone, a hundred entries a page with "load
//! more" — the same filters and store query as `GET /api/admin/orgs/{orgId}/audit`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use domain::PageLimit;
use maud::{Markup, html};
use serde::Deserialize;
use store::audit::{self, AuditRow};
use web::paging::{decode_cursor, next_cursor};
use web::params::AuditFilters;
use web::{Need, RequestId};

use crate::WebState;
use crate::errors::PageError;
use crate::org_page::OrgPage;
use crate::pages::calls::{bad, given};
use crate::pages::layout;

/// The API's cursors are the page's too: the same query pages both.
const CURSOR_SCOPE: &str = "audit";

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
}

impl AuditQuery {
    /// This page's query string with `cursor` replaced.
    fn link(&self, cursor: Option<&str>) -> String {
        let pairs = [
            ("action", given(&self.action)),
            ("from", given(&self.from)),
            ("to", given(&self.to)),
            ("cursor", cursor),
        ];
        let query: Vec<String> = pairs
            .iter()
            .filter_map(|(k, v)| v.map(|v| (k, v)))
            .map(|(k, v)| {
                let v: String = url::form_urlencoded::byte_serialize(v.as_bytes()).collect();
                format!("{k}={v}")
            })
            .collect();
        format!("?{}", query.join("&"))
    }
}

fn filters(q: &AuditQuery, actions: &[String]) -> Markup {
    let chosen = given(&q.action);
    html! {
        form.filters method="get" {
            div.field {
                label for="action" { "Action" }
                select #action name="action" {
                    option value="" { "All actions" }
                    @for a in actions { option value=(a) selected[chosen == Some(a.as_str())] { (a) } }
                }
            }
            div.field {
                label for="from" { "From" }
                input #from type="date" name="from" value=[given(&q.from)];
            }
            div.field {
                label for="to" { "To" }
                input #to type="date" name="to" value=[given(&q.to)];
            }
            button type="submit" { "Show" }
        }
    }
}

fn table(rows: &[AuditRow], zone: domain::TimeZone) -> Markup {
    html! {
        // Focusable, so the keyboard can scroll the wide details sideways.
        div.table-wrap role="region" aria-label="Audit entries" tabindex="0" {
            table.calls {
                thead { tr {
                    th scope="col" { "When" } th scope="col" { "Action" } th scope="col" { "By" }
                    th scope="col" { "Target" } th scope="col" { "Details" }
                } }
                tbody {
                    @for r in rows {
                        @let at = zone.local(r.created_at);
                        tr data-entry=(r.id) {
                            td { time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M:%S")) } }
                            td { code { (r.action) } }
                            td {
                                @if let Some(user) = r.actor_user_id { (r.actor_kind) " " code { (user) } }
                                @else { (r.actor_kind) }
                            }
                            td { (r.target.as_deref().unwrap_or("")) }
                            td { code.details { (r.details) } }
                        }
                    }
                }
            }
        }
    }
}

pub async fn audit(
    State(state): State<WebState>,
    headers: HeaderMap,
    request_id: RequestId,
    Path(org): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let checked = AuditFilters::check(given(&query.action), given(&query.from), given(&query.to))
        .map_err(|e| bad(&e.to_string()))?;
    let before: Option<i64> =
        decode_cursor(CURSOR_SCOPE, query.cursor.as_deref()).map_err(|_| {
            bad("That page link is not one this site made. Start again from the first page.")
        })?;
    let page = OrgPage::open(
        &state,
        &headers,
        request_id,
        &org,
        Need::Admin { write: false },
    )
    .await?;
    let zone = page.terms().await?.zone;
    let filter = checked.in_zone(zone).map_err(|e| bad(&e.to_string()))?;
    let (tx, org) = (page.scope.tx(), page.scope.org);
    let actions = audit::actions(tx, org).await?;
    let entries = audit::list(tx, org, &filter, PageLimit::DEFAULT, before).await?;
    let more = next_cursor(CURSOR_SCOPE, &entries);
    let content = html! {
        h1 { "Audit log" }
        p.muted { "Newest first · local times in " (zone.name()) }
        (filters(&query, &actions))
        @if entries.rows.is_empty() {
            p.empty { @if before.is_some() { "No more entries." } @else { "No entries match. Clear the filters to see the whole log." } }
        } @else {
            (table(&entries.rows, zone))
        }
        @if let Some(cursor) = more {
            p { a.more href=(query.link(Some(&cursor))) { "Load more entries" } }
        }
    };
    let body = layout::page("Audit log", &page.shell("audit"), content);
    Ok(page.respond(body))
}
