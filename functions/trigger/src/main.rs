#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let state = trigger::TriggerState::from_env().await?;
    web::serve_lambda(trigger::routes::router(state)).await
}
