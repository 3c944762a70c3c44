//! `GET /api/live-status`: who of the org is ringing, on a call or free right now, from the
//! MightyCall webhooks as the `trigger` function stores them (a database trigger keeps each call
//! leg's state in the same transaction, so a stored webhook shows at the next read).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, FixedOffset};
use domain::{AgentState, LegDirection, OrgId, TimeZone, UserId};
use serde::{Deserialize, Serialize};
use store::live_status::{self, ActiveLeg, RosterEntry, Status};
use store::reports;
use utoipa::{IntoParams, ToSchema};
use web::{ApiError, ApiQuery, Caller, Need, OrgScope, ReadErrors};

use crate::OperationsState;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LiveStatusQuery {
    /// The organisation; a member of exactly one may leave it out.
    #[param(value_type = Option<uuid::Uuid>)]
    org_id: Option<String>,
}

impl LiveStatusQuery {
    fn org(&self) -> Result<Option<OrgId>, ApiError> {
        self.org_id
            .as_deref()
            .map(str::parse)
            .transpose()
            .map_err(|e: domain::ParseError| ApiError::BadRequest {
                code: "invalid_org_id",
                message: e.0,
            })
    }
}

/// The member whose `mightycall_extension` it is.
#[derive(Serialize, ToSchema)]
pub struct LiveMember {
    user_id: UserId,
    #[schema(required = true)]
    full_name: Option<String>,
}

/// The call an extension rings for or talks on.
#[derive(Serialize, ToSchema)]
pub struct CurrentCall {
    /// MightyCall's call id.
    call_id: String,
    direction: LegDirection,
    /// The other party: the caller of an incoming call, the number called by an outgoing or
    /// callback call (a widget's name for a call from a website form).
    #[schema(required = true)]
    counterpart: Option<String>,
    /// When it connected; `null` while it rings.
    #[schema(required = true)]
    started_at: Option<DateTime<FixedOffset>>,
}

/// One extension of the org.
#[derive(Serialize, ToSchema)]
pub struct LiveAgent {
    extension: String,
    /// As MightyCall names the extension on its calls.
    #[schema(required = true)]
    agent_name: Option<String>,
    /// `null` when no member has this extension.
    #[schema(required = true)]
    member: Option<LiveMember>,
    state: AgentState,
    /// When the state began; for `unknown`, when the silence grew too long (`null`: never heard of).
    #[schema(required = true)]
    since: Option<DateTime<FixedOffset>>,
    /// MightyCall's time of the newest event of this extension.
    #[schema(required = true)]
    last_event_at: Option<DateTime<FixedOffset>>,
    /// Set while `ringing` or `on_call`.
    #[schema(required = true)]
    current_call: Option<CurrentCall>,
}

/// How many extensions are in each state.
#[derive(Default, Serialize, ToSchema)]
pub struct StateCounts {
    ringing: u32,
    on_call: u32,
    available: u32,
    unknown: u32,
}

impl StateCounts {
    fn add(&mut self, state: AgentState) {
        let count = match state {
            AgentState::Ringing => &mut self.ringing,
            AgentState::OnCall => &mut self.on_call,
            AgentState::Available => &mut self.available,
            AgentState::Unknown => &mut self.unknown,
        };
        *count = count.saturating_add(1);
    }
}

#[derive(Serialize, ToSchema)]
pub struct LiveStatusReply {
    org_id: OrgId,
    /// The moment the states describe.
    as_of: DateTime<FixedOffset>,
    /// The org's `live_status_unknown_after_minutes`.
    unknown_after_minutes: i64,
    counts: StateCounts,
    /// Every extension of the org, by extension (a scoped agent: their own only).
    agents: Vec<LiveAgent>,
}

fn agent(entry: &RosterEntry, status: Status, zone: TimeZone) -> LiveAgent {
    let local = |at: DateTime<chrono::Utc>| zone.local(at);
    LiveAgent {
        extension: entry.extension.clone(),
        agent_name: entry.agent_name.clone(),
        member: entry.member.as_ref().map(|m| LiveMember {
            user_id: m.user_id,
            full_name: m.full_name.clone(),
        }),
        state: status.state,
        since: status.since.map(local),
        last_event_at: entry.last_heard_at.map(local),
        current_call: entry.active.as_ref().map(|leg: &ActiveLeg| CurrentCall {
            call_id: leg.call_id.clone(),
            direction: leg.direction,
            counterpart: leg.counterpart.clone(),
            started_at: leg.connected_at.map(local),
        }),
    }
}

/// The org's extensions now: each one's state since when, its current call, and counts per state
/// (members; with agent scoping an agent sees their own extension only). Times in the org's zone.
#[utoipa::path(get, path = "/api/live-status", operation_id = "live_status", tag = "operations",
    params(LiveStatusQuery), responses((status = 200, body = LiveStatusReply), ReadErrors))]
pub async fn live_status(
    State(state): State<OperationsState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<LiveStatusQuery>,
) -> Result<Json<LiveStatusReply>, ApiError> {
    let scope = OrgScope::open(&state.core, caller, query.org()?, Need::Member).await?;
    let terms = reports::terms(scope.tx(), scope.org)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    let roster = live_status::roster(scope.tx(), scope.org, &terms.view)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    let mut counts = StateCounts::default();
    let agents = roster
        .statuses()
        .map(|(entry, status)| {
            counts.add(status.state);
            agent(entry, status, terms.zone)
        })
        .collect();
    Ok(Json(LiveStatusReply {
        org_id: scope.org,
        as_of: terms.zone.local(roster.as_of),
        unknown_after_minutes: roster.quiet.num_minutes(),
        counts,
        agents,
    }))
}
