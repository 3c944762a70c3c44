#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let state = admin_integrations::AdminState::from_env().await?;
    web::serve_lambda(admin_integrations::routes::router(state)).await
}
