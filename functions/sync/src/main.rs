#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let config = sync::SyncConfig::from_env()?;
    let state = sync::SyncState::build(config, startup::Deps::from_env().await?).await?;
    web::serve_lambda(sync::routes::router(state)).await
}
