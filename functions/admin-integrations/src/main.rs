#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let config = admin_integrations::AdminConfig::from_env()?;
    let state =
        admin_integrations::AdminState::build(config, startup::Deps::from_env().await?).await?;
    web::serve_lambda(admin_integrations::routes::router(state)).await
}
