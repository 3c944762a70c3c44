use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    web::init_process();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        sync_worker::handle(event.payload)
    }))
    .await
}
