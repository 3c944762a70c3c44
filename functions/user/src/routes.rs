use axum::Router;

pub fn router() -> Router {
    web::app(
        &web::AppConfig::new("user", env!("CARGO_PKG_VERSION")),
        Router::new(),
    )
}
