//! The HTTP functions, in one list: each one's part of the API document and its router, built the
//! production way over shared dependencies. A function joins the merged document, its coverage
//! and freshness tests and `cargo xtask api-check` with one entry here (and its crate in
//! `infra/xtask/Cargo.toml`).

use std::sync::Arc;

use axum::Router;
use sync_engine::{Dispatcher, Engine, SyncSettings};
use utoipa::openapi::OpenApi;

pub struct Function {
    /// The name its health route reports.
    pub name: &'static str,
    /// What it serves at `GET /api/openapi.json`.
    pub openapi: fn() -> OpenApi,
    pub router: fn(&Deps) -> Router,
}

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "admin-integrations",
        openapi: admin_integrations::openapi,
        router: |d| {
            admin_integrations::routes::router(admin_integrations::AdminState {
                core: d.core.clone(),
                mightycall_base_override: Some(d.mightycall.clone()),
                daily_request_budget: d.settings.daily_budget,
            })
        },
    },
    // To come with their documents, e.g.:
    // Function { name: "user", openapi: user::openapi, router: |d| user::routes::router(d.core.clone()) },
    // Function { name: "data", openapi: data::openapi, router: |d| data::routes::router(d.core.clone()) },
    // Function { name: "sync", openapi: sync::openapi, router: |d| sync::routes::router(sync::SyncState {
    //     core: d.core.clone(), dispatcher: d.dispatcher(), max_range_days: 92 }) },
    // Function { name: "trigger", openapi: trigger::openapi, router: |d| trigger::routes::router(
    //     trigger::TriggerState { core: d.core.clone(), dispatcher: d.dispatcher(), engine: d.engine(),
    //     max_range_days: 92, clock: chrono::Utc::now }) },
];

/// What the functions' states are built from: one `web::Core`, MightyCall at `mightycall` (the
/// fake) and the sync engine's settings pointing there.
pub struct Deps {
    pub core: web::Core,
    pub mightycall: String,
    pub settings: SyncSettings,
}

impl Deps {
    pub fn new(core: web::Core, mightycall: String) -> Self {
        let settings = SyncSettings {
            base_override: Some(mightycall.clone()),
            ..SyncSettings::default()
        };
        Self {
            core,
            mightycall,
            settings,
        }
    }

    pub fn engine(&self) -> Engine {
        Engine::new(
            self.core.db.clone(),
            Arc::clone(&self.core.auth.secrets),
            self.settings.clone(),
        )
    }

    /// Sync jobs run in this process, as under `SYNC_DISPATCH=inline`.
    pub fn dispatcher(&self) -> Arc<Dispatcher> {
        Arc::new(Dispatcher::Inline(self.engine()))
    }

    /// Every function's router.
    pub fn routers(&self) -> Vec<(&'static str, Router)> {
        FUNCTIONS
            .iter()
            .map(|f| (f.name, (f.router)(self)))
            .collect()
    }
}
