//! The reference point of `cold-start`: the smallest `lambda_http` function, built with the same
//! release profile and dependency versions as the real ones, so their extra start-up is what they add.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    run(service_fn(|_: Request| async {
        Ok::<_, Error>(Response::new(Body::from("hello")))
    }))
    .await
}
