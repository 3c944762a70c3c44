//! The `operations` function: what a supervisor does during the day — live agent status, the
//! missed-call worklist, recording and voicemail playback, sending SMS. The last two act on
//! MightyCall with the org's own account.

mod audio;
mod live_status;
mod missed_calls;
pub mod routes;
mod sms;
mod state;

pub use actions::audio::{CHUNK, MAX_SIZE};
pub use audio::AudioReplies;
pub use routes::openapi;
pub use state::{OperationsConfig, OperationsState};
