#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let config = web_pages::WebConfig::from_env()?;
    let state = web_pages::WebState::build(config, startup::Deps::from_env().await?).await?;
    web::serve_lambda(web_pages::routes::router(state)).await
}
