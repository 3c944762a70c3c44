use axum::Router;
use axum::routing::get;
use store::synced::{ContactRow, MessageRow, RecordingRow, VoicemailRow};

use crate::{dashboard, lists, reports};

pub fn router(core: web::Core) -> Router {
    let routes = Router::new()
        .route("/api/mightycall/phone-numbers", get(lists::phone_numbers))
        .route("/api/mightycall/reports", get(reports::reports))
        .route(
            "/api/mightycall/recordings",
            get(lists::list::<RecordingRow>),
        )
        .route(
            "/api/mightycall/voicemails",
            get(lists::list::<VoicemailRow>),
        )
        .route("/api/mightycall/contacts", get(lists::list::<ContactRow>))
        .route("/api/sms/messages", get(lists::list::<MessageRow>))
        .route("/api/dashboard/metrics", get(dashboard::metrics))
        .with_state(core);
    web::app(
        &web::AppConfig::new("data", env!("CARGO_PKG_VERSION")),
        routes,
    )
}
