//! Live agent status: each extension's state now, read from its call legs, which a trigger on
//! `webhook_events` keeps as the webhooks are stored (V16).

use chrono::{DateTime, TimeDelta, Utc};
use domain::{AgentState, LegDirection, OrgId, UserId};
use tokio_postgres::Row;

use crate::reports::CallView;
use crate::row::{FromRow, get, parse, parse_nullable};
use crate::{StoreError, Tx};

/// The call an extension rings for or talks on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveLeg {
    pub state: AgentState,
    pub call_id: String,
    pub direction: LegDirection,
    pub counterpart: Option<String>,
    /// When the state began: the ring, or the connect.
    pub since: DateTime<Utc>,
    /// When the call connected (`None` while it rings).
    pub connected_at: Option<DateTime<Utc>>,
}

/// The member an extension belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterMember {
    pub user_id: UserId,
    pub full_name: Option<String>,
}

/// One extension of the org: named by MightyCall's calls, set on a member, or heard of by webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    pub extension: String,
    pub agent_name: Option<String>,
    pub member: Option<RosterMember>,
    /// Its call now, heard of within the org's quiet limit.
    pub active: Option<ActiveLeg>,
    /// The newest event of any of its legs.
    pub last_heard_at: Option<DateTime<Utc>>,
    /// The newest end of any of its legs.
    pub last_ended_at: Option<DateTime<Utc>>,
}

/// An extension's state at `as_of`, and since when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub state: AgentState,
    pub since: Option<DateTime<Utc>>,
}

impl RosterEntry {
    /// On a call or ringing while such a leg was heard of within `quiet`; available when heard of
    /// within it and every call has ended; otherwise unknown, since the silence became too long
    /// (no time when never heard of).
    pub fn status(&self, as_of: DateTime<Utc>, quiet: TimeDelta) -> Status {
        if let Some(leg) = &self.active {
            return Status {
                state: leg.state,
                since: Some(leg.since),
            };
        }
        let stale_from = as_of.checked_sub_signed(quiet);
        match self.last_heard_at {
            Some(heard) if stale_from.is_none_or(|from| heard >= from) => Status {
                state: AgentState::Available,
                since: Some(self.last_ended_at.unwrap_or(heard)),
            },
            heard => Status {
                state: AgentState::Unknown,
                since: heard.and_then(|at| at.checked_add_signed(quiet)),
            },
        }
    }
}

impl FromRow for RosterEntry {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        // The query reads only legs that ring or talk: an ended one is no state of these.
        let active = match parse_nullable::<AgentState>(row, "active_state")? {
            Some(state @ (AgentState::Ringing | AgentState::OnCall)) => Some(ActiveLeg {
                state,
                call_id: get(row, "call_id")?,
                direction: parse(row, "direction")?,
                counterpart: get(row, "counterpart")?,
                since: get(row, "active_since")?,
                connected_at: get(row, "connected_at")?,
            }),
            Some(_) => return Err(StoreError::UnknownValue("active_state")),
            None => None,
        };
        let member = get::<Option<uuid::Uuid>>(row, "member_id")?
            .map(|id| -> Result<RosterMember, StoreError> {
                Ok(RosterMember {
                    user_id: UserId::new(id),
                    full_name: get(row, "member_name")?,
                })
            })
            .transpose()?;
        Ok(Self {
            extension: get(row, "extension")?,
            agent_name: get(row, "agent_name")?,
            member,
            active,
            last_heard_at: get(row, "last_heard_at")?,
            last_ended_at: get(row, "last_ended_at")?,
        })
    }
}

/// The org's roster at `as_of`, as the transaction's user may see it.
#[derive(Clone, Debug)]
pub struct Roster {
    pub as_of: DateTime<Utc>,
    /// The org's `live_status_unknown_after_minutes`.
    pub quiet: TimeDelta,
    pub entries: Vec<RosterEntry>,
}

impl Roster {
    pub fn statuses(&self) -> impl Iterator<Item = (&RosterEntry, Status)> {
        self.entries
            .iter()
            .map(|entry| (entry, entry.status(self.as_of, self.quiet)))
    }
}

/// Every extension of the org by extension, or only the reader's own under [`CallView::OwnCalls`]
/// (none without one); `None` when the user sees no such org. RLS hides other extensions' legs
/// from a scoped agent as well.
pub async fn roster(tx: &Tx, org: OrgId, view: &CallView) -> Result<Option<Roster>, StoreError> {
    let (scoped, own) = view.params();
    let statement = tx
        .prepare_cached(
            "with o as (
               select now() as as_of, o.live_status_unknown_after_minutes as quiet_minutes,
                      now() - make_interval(mins => o.live_status_unknown_after_minutes) as fresh_from
               from organizations o where o.id = $1
             ),
             heard as (
               select l.extension, max(l.state_at) as last_heard_at,
                      max(l.state_at) filter (where l.state = 'ended') as last_ended_at
               from live_call_legs l where l.org_id = $1
               group by l.extension
             ),
             active as (
               select distinct on (l.extension) l.extension, l.state, l.call_id, l.direction, l.counterpart,
                      coalesce(l.connected_at, l.state_at) as since, l.connected_at
               from live_call_legs l, o
               where l.org_id = $1 and l.state <> 'ended' and l.state_at >= o.fresh_from
               order by l.extension, l.state = 'on_call' desc, l.state_at desc, l.call_id
             ),
             extensions as (
               select a.extension from mightycall_agents a where a.org_id = $1
               union
               select ou.mightycall_extension from org_users ou
               where ou.org_id = $1 and ou.mightycall_extension is not null
               union
               select h.extension from heard h
             )
             select o.as_of, o.quiet_minutes, x.*
             from o
             left join (
               select e.extension, a.name as agent_name, ou.user_id as member_id, p.full_name as member_name,
                      cur.state as active_state, cur.call_id, cur.direction, cur.counterpart,
                      cur.since as active_since, cur.connected_at, h.last_heard_at, h.last_ended_at
               from extensions e
               left join mightycall_agents a on a.org_id = $1 and a.extension = e.extension
               left join org_users ou on ou.org_id = $1 and ou.mightycall_extension = e.extension
               left join profiles p on p.id = ou.user_id
               left join active cur on cur.extension = e.extension
               left join heard h on h.extension = e.extension
               where not $2 or e.extension = $3
             ) x on true
             order by x.extension",
        )
        .await?;
    let rows = tx
        .client()
        .query(&statement, &[&org.as_uuid(), &scoped, &own])
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let as_of = get(first, "as_of")?;
    let quiet = TimeDelta::try_minutes(get::<i32>(first, "quiet_minutes")?.into()).ok_or(
        StoreError::UnknownValue("live_status_unknown_after_minutes"),
    )?;
    // An org without extensions comes back as its row alone.
    let entries = rows
        .iter()
        .filter(|row| !matches!(get::<Option<&str>>(row, "extension"), Ok(None)))
        .map(RosterEntry::from_row)
        .collect::<Result<_, _>>()?;
    Ok(Some(Roster {
        as_of,
        quiet,
        entries,
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap()
    }

    fn entry(active: Option<AgentState>, heard: Option<i64>, ended: Option<i64>) -> RosterEntry {
        RosterEntry {
            extension: "101".into(),
            agent_name: None,
            member: None,
            active: active.map(|state| ActiveLeg {
                state,
                call_id: "c".into(),
                direction: LegDirection::Incoming,
                counterpart: None,
                since: at(50),
                connected_at: None,
            }),
            last_heard_at: heard.map(at),
            last_ended_at: ended.map(at),
        }
    }

    #[test]
    fn a_call_wins_then_recent_ends_then_silence() {
        let (now, quiet) = (at(100), TimeDelta::minutes(30));
        let status = |e: RosterEntry| e.status(now, quiet);
        assert_eq!(
            status(entry(Some(AgentState::OnCall), Some(50), Some(40))),
            Status {
                state: AgentState::OnCall,
                since: Some(at(50))
            }
        );
        assert_eq!(
            status(entry(None, Some(70), Some(70))),
            Status {
                state: AgentState::Available,
                since: Some(at(70))
            }
        );
        assert_eq!(
            status(entry(None, Some(69), Some(60))).state,
            AgentState::Unknown,
            "heard of 31 minutes ago"
        );
        assert_eq!(status(entry(None, Some(69), None)).since, Some(at(99)));
        assert_eq!(
            status(entry(None, None, None)),
            Status {
                state: AgentState::Unknown,
                since: None
            }
        );
    }
}
