#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let state = sync::SyncState::from_env().await?;
    web::serve_lambda(sync::routes::router(state)).await
}
