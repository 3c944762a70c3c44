//! The HTTP functions, in one list: each one's part of the API document and its router, built the
//! production way (`State::build`) over shared dependencies. A function joins the merged document,
//! its coverage and freshness tests and `cargo xtask api-check` with one entry here (and its crate
//! in `infra/xtask/Cargo.toml`).

use axum::Router;
use futures::future::BoxFuture;
use sync_engine::{SyncSettings, WiringConfig};
use test_harness::identity::core_config;
use utoipa::openapi::OpenApi;

pub struct Function {
    /// The name its health route reports.
    pub name: &'static str,
    /// What it serves at `GET /api/openapi.json`.
    pub openapi: fn() -> OpenApi,
    pub router: for<'a> fn(&'a Deps) -> BoxFuture<'a, Router>,
}

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "user",
        openapi: user::openapi,
        router: |d| Box::pin(async { user::routes::router(d.core().await) }),
    },
    Function {
        name: "data",
        openapi: data::openapi,
        router: |d| Box::pin(async { data::routes::router(d.core().await) }),
    },
    Function {
        name: "sync",
        openapi: sync::openapi,
        router: |d| {
            Box::pin(async {
                let config = sync::SyncConfig {
                    core: core_config(),
                    wiring: d.wiring(),
                };
                sync::routes::router(built(sync::SyncState::build(config, d.deps.clone()).await))
            })
        },
    },
    Function {
        name: "admin-integrations",
        openapi: admin_integrations::openapi,
        router: |d| {
            Box::pin(async {
                let config = admin_integrations::AdminConfig {
                    core: core_config(),
                    mightycall_base_override: Some(d.mightycall.clone()),
                    daily_request_budget: d.settings.daily_budget,
                };
                let state = admin_integrations::AdminState::build(config, d.deps.clone()).await;
                admin_integrations::routes::router(built(state))
            })
        },
    },
    Function {
        name: "operations",
        openapi: operations::openapi,
        router: |d| {
            Box::pin(async {
                let config = operations::OperationsConfig {
                    core: core_config(),
                    settings: d.settings.clone(),
                };
                let state = operations::OperationsState::build(config, d.deps.clone()).await;
                operations::routes::router(built(state))
            })
        },
    },
    Function {
        name: "trigger",
        openapi: trigger::openapi,
        router: |d| {
            Box::pin(async {
                let config = trigger::TriggerConfig {
                    core: core_config(),
                    wiring: d.wiring(),
                    clock: chrono::Utc::now,
                };
                let state = trigger::TriggerState::build(config, d.deps.clone()).await;
                trigger::routes::router(built(state))
            })
        },
    },
];

#[allow(clippy::panic)]
fn built<T>(state: Result<T, startup::StartupError>) -> T {
    state.unwrap_or_else(|e| panic!("a function did not start: {e}"))
}

/// What the functions' states are built from: the demo's secrets and database, MightyCall at
/// `mightycall` (the fake) and the sync engine's settings pointing there.
pub struct Deps {
    pub deps: startup::Deps,
    pub mightycall: String,
    pub settings: SyncSettings,
}

impl Deps {
    pub fn new(deps: startup::Deps, mightycall: String) -> Self {
        let settings = SyncSettings {
            base_override: Some(mightycall.clone()),
            ..SyncSettings::default()
        };
        Self {
            deps,
            mightycall,
            settings,
        }
    }

    async fn core(&self) -> web::Core {
        built(web::Core::build(core_config(), self.deps.clone()).await)
    }

    /// Sync jobs run in this process, as under `SYNC_DISPATCH=inline`.
    fn wiring(&self) -> WiringConfig {
        WiringConfig {
            settings: self.settings.clone(),
            ..WiringConfig::default()
        }
    }

    /// Every function's router.
    pub async fn routers(&self) -> Vec<(&'static str, Router)> {
        let mut routers = Vec::new();
        for f in FUNCTIONS {
            routers.push((f.name, (f.router)(self).await));
        }
        routers
    }
}
