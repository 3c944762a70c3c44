#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let config = trigger::TriggerConfig::from_env()?;
    let state = trigger::TriggerState::build(config, startup::Deps::from_env().await?).await?;
    web::serve_lambda(trigger::routes::router(state)).await
}
