#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::init_process();
    let state = sync::SyncState::from_env().await?;
    web::serve_lambda(sync::routes::router(state)).await
}
