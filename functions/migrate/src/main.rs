//! Applies the database migrations: once from the command line (`cargo run -p migrate`, or
//! `cargo run -p migrate -- reseal-credentials`), or as a Lambda function invoked after each deploy.

use lambda_runtime::{LambdaEvent, service_fn};
use migrate::{Action, run};
use serde_json::Value;
use store::{Db, DbConfig};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    startup::init_process();
    match start().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Display, not Debug: operators read this line.
            eprintln!("migrate: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start() -> Result<(), lambda_runtime::Error> {
    // In AWS the schema owner's URL comes from the secret named by APP_SECRET_ARN.
    let secrets = settings::Secrets::from_env().await?.current().await?;
    let db = Db::connect(&DbConfig::from_env(secrets.database_url())?)?;
    // The Lambda runtime API variable is set only inside Lambda (and `cargo lambda watch`).
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        let db = &db;
        lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
            let action = Action::from_event(event.payload).map_err(lambda_runtime::Error::from)?;
            run(db, action).await.map_err(lambda_runtime::Error::from)
        }))
        .await
    } else {
        let action = Action::from_arg(std::env::args().nth(1).as_deref())?;
        println!("{}", run(&db, action).await?);
        Ok(())
    }
}
