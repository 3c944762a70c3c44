#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let config = operations::OperationsConfig::from_env()?;
    let state =
        operations::OperationsState::build(config, startup::Deps::from_env().await?).await?;
    web::serve_lambda(operations::routes::router(state)).await
}
