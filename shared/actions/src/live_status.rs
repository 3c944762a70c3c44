//! Who of an org is ringing, on a call or free right now, from the MightyCall webhooks as the
//! `trigger` function stores them (a database trigger keeps each call leg's state in the same
//! transaction, so a stored webhook shows at the next read) — for `GET /api/live-status` and the
//! dashboard's Live page alike.

use chrono::{DateTime, FixedOffset};
use domain::{AgentState, LegDirection, OrgId, TimeZone, UserId};
use serde::Serialize;
use store::live_status::{self, ActiveLeg, RosterEntry, Status};
use utoipa::ToSchema;
use web::params::org_terms;
use web::{ApiError, OrgScope};

/// The member whose `mightycall_extension` it is.
#[derive(Serialize, ToSchema)]
pub struct LiveMember {
    pub user_id: UserId,
    #[schema(required = true)]
    pub full_name: Option<String>,
}

/// The call an extension rings for or talks on.
#[derive(Serialize, ToSchema)]
pub struct CurrentCall {
    /// MightyCall's call id.
    pub call_id: String,
    pub direction: LegDirection,
    /// The other party: the caller of an incoming call, the number called by an outgoing or
    /// callback call (a widget's name for a call from a website form).
    #[schema(required = true)]
    pub counterpart: Option<String>,
    /// When it connected; `null` while it rings.
    #[schema(required = true)]
    pub started_at: Option<DateTime<FixedOffset>>,
}

/// One extension of the org.
#[derive(Serialize, ToSchema)]
pub struct LiveAgent {
    pub extension: String,
    /// As MightyCall names the extension on its calls.
    #[schema(required = true)]
    pub agent_name: Option<String>,
    /// `null` when no member has this extension.
    #[schema(required = true)]
    pub member: Option<LiveMember>,
    pub state: AgentState,
    /// When the state began; for `unknown`, when the silence grew too long (`null`: never heard of).
    #[schema(required = true)]
    pub since: Option<DateTime<FixedOffset>>,
    /// MightyCall's time of the newest event of this extension.
    #[schema(required = true)]
    pub last_event_at: Option<DateTime<FixedOffset>>,
    /// Set while `ringing` or `on_call`.
    #[schema(required = true)]
    pub current_call: Option<CurrentCall>,
}

/// How many extensions are in each state.
#[derive(Default, Serialize, ToSchema)]
pub struct StateCounts {
    pub ringing: u32,
    pub on_call: u32,
    pub available: u32,
    pub unknown: u32,
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
    pub org_id: OrgId,
    /// The moment the states describe.
    pub as_of: DateTime<FixedOffset>,
    /// The org's `live_status_unknown_after_minutes`.
    pub unknown_after_minutes: i64,
    pub counts: StateCounts,
    /// Every extension of the org, by extension (a scoped agent: their own only).
    pub agents: Vec<LiveAgent>,
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

/// The org's extensions now as the scope's caller may see them (with agent scoping an agent sees
/// their own extension only): each one's state since when, its current call, and counts per
/// state. Times in the org's zone.
pub async fn read(scope: &OrgScope) -> Result<LiveStatusReply, ApiError> {
    let terms = org_terms(scope).await?;
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
    Ok(LiveStatusReply {
        org_id: scope.org,
        as_of: terms.zone.local(roster.as_of),
        unknown_after_minutes: roster.quiet.num_minutes(),
        counts,
        agents,
    })
}
