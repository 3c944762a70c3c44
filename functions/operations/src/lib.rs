//! The `operations` function: what a supervisor does during the day — live agent status, the
//! missed-call worklist, recording and voicemail playback, sending SMS. The last two act on
//! MightyCall with the org's own account.

mod live_status;
pub mod routes;
mod state;

pub use routes::openapi;
pub use state::{OperationsConfig, OperationsState};
