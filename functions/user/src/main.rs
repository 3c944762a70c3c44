#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    startup::init_process();
    let core = web::Core::from_env().await?;
    web::serve_lambda(user::routes::router(core)).await
}
