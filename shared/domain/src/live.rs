//! How live status names what an extension is doing now, and which way its call goes.

use std::str::FromStr;

use serde::Serialize;

use crate::ParseError;

/// An extension's state, as the webhooks last told it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    /// A call rings at the extension (or, dialling out, at the other party).
    Ringing,
    /// On a connected call.
    OnCall,
    /// Heard of recently, and every call of it has ended.
    Available,
    /// Nothing heard for the org's `live_status_unknown_after_minutes`, or never.
    Unknown,
}

impl AgentState {
    pub const ALL: [Self; 4] = [Self::Ringing, Self::OnCall, Self::Available, Self::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ringing => "ringing",
            Self::OnCall => "on_call",
            Self::Available => "available",
            Self::Unknown => "unknown",
        }
    }
}

impl FromStr for AgentState {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| ParseError(format!("not an agent state: {s}")))
    }
}

/// Which way one extension's call goes: MightyCall names a callback-form call apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum LegDirection {
    Incoming,
    Outgoing,
    Callback,
}

impl FromStr for LegDirection {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "incoming" => Ok(Self::Incoming),
            "outgoing" => Ok(Self::Outgoing),
            "callback" => Ok(Self::Callback),
            _ => Err(ParseError(format!("not a call direction: {s}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_as_the_api_spells_them() {
        for state in AgentState::ALL {
            assert_eq!(state.as_str().parse::<AgentState>(), Ok(state));
            assert_eq!(
                serde_json::to_value(state).ok(),
                Some(serde_json::Value::from(state.as_str()))
            );
        }
        assert!("busy".parse::<AgentState>().is_err());
        assert_eq!(
            "callback".parse::<LegDirection>(),
            Ok(LegDirection::Callback)
        );
        assert!("Incoming".parse::<LegDirection>().is_err());
    }
}
