//! What members and admins do — play a recording or voicemail and send an SMS through the org's
//! MightyCall account, read live status and the missed-call worklist, resolve a missed call, start
//! or cancel a sync; change the org's settings, its MightyCall integration, its members; create
//! orgs and bind the platform account — authorised and audited here once, for the API's routes and
//! the dashboard's pages alike.

pub mod audio;
pub mod integrations;
pub mod live_status;
pub mod members;
pub mod missed_calls;
pub mod platform;
mod range;
pub mod settings;
pub mod sms;
pub mod sync;

use sync_engine::Engine;
use web::Core;

/// The database and authorisation, and the engine that makes requests with an org's account
/// (`Engine::for_org`).
#[derive(Clone)]
pub struct Actions {
    pub core: Core,
    pub engine: Engine,
}
