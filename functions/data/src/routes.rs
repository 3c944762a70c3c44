use axum::Router;

pub fn router() -> Router {
    web::app(
        &web::AppConfig::new("data", env!("CARGO_PKG_VERSION")),
        Router::new(),
    )
}
