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

/// Whether session `id` of `user` is still on; marks it seen to within five minutes. Every page,
/// audio chunk and refresh asks, so it reads, and writes only when the mark is that old.
pub async fn touch(tx: &ServiceTx, id: Uuid, user: UserId) -> Result<bool, StoreError> {
    let statement = tx
        .prepare_cached(
            "with live as (
               select id, last_seen_at from web_sessions
               where id = $1 and user_id = $2 and ended_at is null),
             seen as (
               update web_sessions w set last_seen_at = now() from live
               where w.id = live.id and live.last_seen_at < now() - interval '5 minutes')
             select count(*) as live from live",
        )
        .await?;
    let row = tx
        .client()
        .query_one(&statement, &[&id, &user.as_uuid()])
        .await?;
    Ok(get::<i64>(&row, "live")? == 1)
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
