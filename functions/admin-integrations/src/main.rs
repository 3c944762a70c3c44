#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    web::init_process();
    web::serve_lambda(admin_integrations::routes::router()).await
}
