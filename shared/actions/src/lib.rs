//! What a member does through the org's MightyCall account — play a recording or voicemail, send
//! an SMS — what an org admin changes — the org's settings, its MightyCall integration, its
//! members — and what a platform admin does across orgs, authorised and audited here once, for the
//! API's routes and the dashboard's pages alike.

pub mod audio;
pub mod integrations;
pub mod members;
pub mod platform;
mod range;
pub mod settings;
pub mod sms;

use sync_engine::Engine;
use web::Core;

/// The database and authorisation, and the engine that makes requests with an org's account
/// (`Engine::for_org`).
#[derive(Clone)]
pub struct Actions {
    pub core: Core,
    pub engine: Engine,
}
