//! Records as MightyCall sends them, read tolerantly: unknown fields are ignored, nullable fields
//! are `Option`, enums fall back to `Other`, timestamps and durations are normalised.

mod call;
mod contact;
pub(crate) mod de;
mod enums;
mod journal;
mod phone_number;
mod profile;
mod team;
mod voicemail;
mod webhook;

pub use call::{Call, CalledParticipant, Participant, RecordFile};
pub use contact::{Contact, ContactChannel};
pub use enums::{
    CallDirection, CallStatus, ContactState, JournalOrigin, JournalState, JournalType,
    MessageDeliveryStatus, SmsMode, VoicemailStatus,
};
pub use journal::{
    JournalAgent, JournalAttachment, JournalBusinessNumber, JournalClient, JournalRecording,
    JournalRequest, JournalVoicemail,
};
pub use phone_number::{PhoneNumber, PhoneNumbers};
pub use profile::Profile;
pub use team::{Team, TeamMember, TeamUnit};
pub use voicemail::Voicemail;
pub use webhook::{CALL_COMPLETED_EVENTS, WebhookBody, WebhookEvent};

/// Records that can be de-duplicated across page boundaries (offset paging over a live window
/// can shift a row onto the next page).
pub trait Identified {
    fn id(&self) -> &str;
}
