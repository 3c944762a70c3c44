//! Enumerations whose casing differs by endpoint family (`Outgoing`/`Connected` on older endpoints,
//! `inbound`/`connected` on the journal): parsed case-insensitively, unknown values kept in `Other`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! tolerant_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this client does not know yet, as sent.
            Other(String),
        }

        impl $name {
            pub fn parse(value: &str) -> Self {
                let value = value.trim();
                $(if value.eq_ignore_ascii_case($text) { return Self::$variant; })+
                Self::Other(value.to_owned())
            }

            /// MightyCall's spelling (older-endpoint casing), or the original text for `Other`.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(value) => value,
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(|value| Self::parse(&value))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

tolerant_enum!(CallDirection { Incoming => "Incoming", Outgoing => "Outgoing" });

tolerant_enum!(CallStatus {
    Missed => "Missed",
    Connected => "Connected",
    VoiceMail => "VoiceMail",
    Dropped => "Dropped",
});

tolerant_enum!(
    /// Journal `type`; `Message` is how SMS history is listed.
    JournalType {
        Call => "Call",
        Message => "Message",
        MessageThread => "MessageThread",
        Task => "Task",
        CallbackRequest => "CallbackRequest",
        Service => "Service",
        Unspecified => "Unspecified",
    }
);

tolerant_enum!(JournalState {
    Missed => "Missed",
    Connected => "Connected",
    VoiceMail => "VoiceMail",
    Dropped => "Dropped",
    NoAnswer => "NoAnswer",
    Scheduled => "Scheduled",
    Message => "Message",
});

tolerant_enum!(JournalOrigin {
    Inbound => "Inbound",
    Outbound => "Outbound",
    Callback => "Callback",
    Internal => "Internal",
    Unspecified => "Unspecified",
});

tolerant_enum!(MessageDeliveryStatus { Unspecified => "Unspecified", NotSent => "NotSent", Sent => "Sent" });

tolerant_enum!(SmsMode { Enabled => "Enabled", Capable => "Capable", Disabled => "Disabled" });

tolerant_enum!(VoicemailStatus { Read => "Read", Unread => "UnRead" });

tolerant_enum!(
    /// Only `deleted` is documented, returned by `/contacts?updatedSince=…`.
    ContactState { Deleted => "deleted" }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_differs_by_family_and_unknowns_are_kept() {
        assert_eq!(CallStatus::parse("VoiceMail"), CallStatus::VoiceMail);
        assert_eq!(JournalState::parse("voiceMail"), JournalState::VoiceMail);
        assert_eq!(JournalOrigin::parse("inbound"), JournalOrigin::Inbound);
        assert_eq!(CallDirection::parse("OUTGOING"), CallDirection::Outgoing);
        assert_eq!(VoicemailStatus::parse("unread"), VoicemailStatus::Unread);
        let other: CallStatus = serde_json::from_str("\"Transferred\"").unwrap();
        assert_eq!(other, CallStatus::Other("Transferred".into()));
        assert_eq!(other.as_str(), "Transferred");
        assert_eq!(
            serde_json::to_string(&JournalType::Message).unwrap(),
            "\"Message\""
        );
    }
}
