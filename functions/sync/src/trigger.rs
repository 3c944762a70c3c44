use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::{OrgId, Resource, SyncTrigger};
use serde::Deserialize;
use serde_json::{Value, json};
use store::audit::{self, Actor, AuditEvent};
use store::sync_jobs::{self, Job, NewJob};
use store::{Tx, access, orgs, profiles};
use web::{ApiError, ApiJson, ApiPath, CurrentUser, RequestId};

use crate::SyncState;

/// The path names the old API used; `reports` means calls.
#[derive(Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SyncKind {
    PhoneNumbers,
    Reports,
    Recordings,
    Sms,
    Voicemails,
    Contacts,
    All,
}

impl SyncKind {
    fn resources(self) -> Vec<Resource> {
        match self {
            Self::PhoneNumbers => vec![Resource::PhoneNumbers],
            Self::Reports => vec![Resource::Calls],
            Self::Recordings => vec![Resource::Recordings],
            Self::Sms => vec![Resource::Sms],
            Self::Voicemails => vec![Resource::Voicemails],
            Self::Contacts => vec![Resource::Contacts],
            Self::All => Resource::ALL.to_vec(),
        }
    }
}

#[derive(Deserialize)]
pub struct KindPath {
    kind: SyncKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SyncRequest {
    org_id: Option<OrgId>,
    start_date: Option<String>,
    end_date: Option<String>,
}

fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::BadRequest {
        code,
        message: message.into(),
    }
}

fn date(name: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            bad(
                "invalid_date",
                format!("{name} must be a date as YYYY-MM-DD"),
            )
        })
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

type Window = (DateTime<Utc>, DateTime<Utc>);

/// An explicit re-sync range: whole UTC days from `startDate` through `endDate` (default today),
/// ending no later than now.
fn window(req: &SyncRequest, max_days: i64) -> Result<Option<Window>, ApiError> {
    let today = Utc::now().date_naive();
    let (start, end) = match (&req.start_date, &req.end_date) {
        (None, None) => return Ok(None),
        (None, Some(_)) => return Err(bad("invalid_date", "endDate needs a startDate")),
        (Some(s), e) => (
            date("startDate", s)?,
            e.as_deref()
                .map(|e| date("endDate", e))
                .transpose()?
                .unwrap_or(today),
        ),
    };
    if end < start {
        return Err(bad("invalid_range", "endDate is before startDate"));
    }
    if start > today {
        return Err(bad("invalid_range", "startDate is in the future"));
    }
    if (end - start).num_days() + 1 > max_days {
        return Err(bad(
            "range_too_long",
            format!("a re-sync covers at most {max_days} days"),
        ));
    }
    let end = end
        .checked_add_days(Days::new(1))
        .map(midnight)
        .unwrap_or_else(Utc::now)
        .min(Utc::now());
    Ok(Some((midnight(start), end)))
}

/// Which orgs the request targets, after checking that the caller may sync them.
async fn target_orgs(
    tx: &Tx,
    user: &auth::VerifiedUser,
    kind: SyncKind,
    org: Option<OrgId>,
) -> Result<Vec<OrgId>, ApiError> {
    match org {
        Some(org) => {
            let access = access::access(tx, user.user_id, org).await?;
            if !access.is_member() {
                return Err(ApiError::NotFound("organization"));
            }
            if !access.can_sync() {
                return Err(ApiError::Forbidden {
                    code: "sync_not_allowed",
                    message: "only org admins and managers can start a sync".into(),
                });
            }
            Ok(vec![org])
        }
        // The whole platform's numbers: every org with an integration, platform admins only.
        None if kind == SyncKind::PhoneNumbers => {
            if !profiles::is_platform_admin(tx, user.user_id).await? {
                return Err(ApiError::Forbidden {
                    code: "platform_admin_required",
                    message: "only platform admins can sync every organisation".into(),
                });
            }
            let rows = tx
                .client()
                .query(
                    "select distinct org_id from org_integrations order by org_id",
                    &[],
                )
                .await
                .map_err(store::StoreError::from)?;
            Ok(rows.iter().map(|r| OrgId::new(r.get(0))).collect())
        }
        None => {
            let mine = orgs::orgs_for_user(tx, user.user_id, false).await?;
            match mine.as_slice() {
                [only] => Box::pin(target_orgs(tx, user, kind, Some(only.id))).await,
                _ => Err(bad(
                    "org_required",
                    "orgId is required when you belong to several organisations",
                )),
            }
        }
    }
}

/// `POST /api/mightycall/sync/{kind}` → 202 with the job (or the org's already active job).
pub async fn start(
    State(state): State<SyncState>,
    Extension(request_id): Extension<RequestId>,
    CurrentUser(user): CurrentUser,
    ApiPath(path): ApiPath<KindPath>,
    ApiJson(body): ApiJson<SyncRequest>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let window = window(&body, state.max_range_days)?;
    let tx = state.core.db.as_user(&user.claims).await?;
    let orgs = target_orgs(&tx, &user, path.kind, body.org_id).await?;
    let mut jobs: Vec<(Job, bool)> = Vec::new();
    for &org in &orgs {
        for resource in path.kind.resources() {
            let new = NewJob {
                org,
                resource,
                trigger: SyncTrigger::User,
                requested_by: Some(user.user_id),
                window,
            };
            jobs.push(sync_jobs::queue_job(&tx, &new).await?);
        }
        audit::record(
            &tx,
            &AuditEvent {
                org: Some(org),
                actor: Actor::User(user.user_id),
                action: "sync.requested",
                target: None,
                details: json!({ "resources": path.kind.resources(), "window": window }),
                request_id: Some(request_id.as_str()),
            },
        )
        .await?;
    }
    tx.commit().await?;

    // Only new jobs are dispatched: an active one is already on its way and must not run twice.
    // One ordered set per org, so its resources run one after another.
    let sets: Vec<Vec<uuid::Uuid>> = orgs
        .iter()
        .map(|org| {
            jobs.iter()
                .filter(|(j, new)| *new && j.org_id == *org)
                .map(|(j, _)| j.id)
                .collect()
        })
        .collect();
    let created: Vec<uuid::Uuid> = sets.iter().flatten().copied().collect();
    if let Err(e) = state.dispatcher.dispatch(&sets).await {
        tracing::error!(error = %e, "sync dispatch failed");
        let tx = state.core.db.as_service().await?;
        for id in &created {
            sync_jobs::finish_job(
                &tx,
                *id,
                domain::JobStatus::Failed,
                Some((
                    "dispatch_failed",
                    "the sync could not be started; try again",
                )),
            )
            .await?;
        }
        tx.commit().await?;
        return Err(ApiError::Unavailable("the sync service"));
    }
    let view = |(job, created): &(Job, bool)| json!({ "job_id": job.id, "status": job.status, "created": created, "job": job });
    let body = match jobs.as_slice() {
        [single] => view(single),
        many => json!({ "jobs": many.iter().map(view).collect::<Vec<_>>() }),
    };
    Ok((StatusCode::ACCEPTED, Json(body)))
}
