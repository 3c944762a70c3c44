//! How the API, the database and the reports name a call's direction and outcome; the sync maps
//! MightyCall's spellings (which differ by endpoint) onto these once.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ParseError;

macro_rules! call_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($variant,)+
            /// A value MightyCall sent that this service does not know.
            #[default]
            Unknown,
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Unknown => "unknown",
                }
            }
        }

        impl FromStr for $name {
            type Err = ParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    "unknown" => Ok(Self::Unknown),
                    _ => Err(ParseError(format!(
                        concat!("not a ", stringify!($name), ": {}"),
                        s
                    ))),
                }
            }
        }
    };
}

call_enum!(
    /// Whether the business received or placed the call.
    CallDirection { Incoming => "incoming", Outgoing => "outgoing" }
);

call_enum!(
    /// How the call ended: `connected` is answered; missed and dropped calls count as missed.
    CallStatus {
        Connected => "connected",
        Missed => "missed",
        Voicemail => "voicemail",
        Dropped => "dropped",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_strangers_are_refused() {
        for d in [
            CallDirection::Incoming,
            CallDirection::Outgoing,
            CallDirection::Unknown,
        ] {
            assert_eq!(d.as_str().parse::<CallDirection>().unwrap(), d);
        }
        for s in [
            CallStatus::Connected,
            CallStatus::Missed,
            CallStatus::Voicemail,
            CallStatus::Dropped,
            CallStatus::Unknown,
        ] {
            assert_eq!(s.as_str().parse::<CallStatus>().unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!("Connected".parse::<CallStatus>().is_err());
    }
}
