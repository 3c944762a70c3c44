use lambda_runtime::{LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    startup::init_process();
    let config = sync_engine::WiringConfig::from_env()?;
    let worker = sync_worker::Worker::build(config, startup::Deps::from_env().await?).await?;
    let worker = &worker;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline = sync_worker::deadline_of(&event.context);
        worker.handle(event.payload, deadline).await
    }))
    .await
}
