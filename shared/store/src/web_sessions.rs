//! The dashboard's sign-ins (V18): started at sign-in, ended at sign-out, checked on every page.

use domain::UserId;
use uuid::Uuid;

use crate::row::get;
use crate::{ServiceTx, StoreError};

/// Starts a session for `user` and returns its id.
pub async fn start(tx: &ServiceTx, user: UserId) -> Result<Uuid, StoreError> {
    let statement = tx
        .prepare_cached("insert into web_sessions (user_id) values ($1) returning id")
        .await?;
    let row = tx
        .client()
        .query_one(&statement, &[&user.as_uuid()])
        .await?;
    get(&row, "id")
}

/// Whether session `id` of `user` is still on; marks it seen.
pub async fn touch(tx: &ServiceTx, id: Uuid, user: UserId) -> Result<bool, StoreError> {
    let statement = tx
        .prepare_cached(
            "update web_sessions set last_seen_at = now()
             where id = $1 and user_id = $2 and ended_at is null",
        )
        .await?;
    let updated = tx
        .client()
        .execute(&statement, &[&id, &user.as_uuid()])
        .await?;
    Ok(updated == 1)
}

/// Ends session `id` (whoever's it is: the sealed cookie named it).
pub async fn end(tx: &ServiceTx, id: Uuid) -> Result<(), StoreError> {
    let statement = tx
        .prepare_cached(
            "update web_sessions set ended_at = now() where id = $1 and ended_at is null",
        )
        .await?;
    tx.client().execute(&statement, &[&id]).await?;
    Ok(())
}
