use deadpool_postgres::Object;

use crate::StoreError;

/// An open transaction on a pooled connection, already switched to its role (see
/// [`crate::Db::as_user`] / [`crate::Db::as_service`]). Commit it explicitly; dropping it rolls back.
pub struct Tx {
    conn: Option<Object>,
}

impl Tx {
    pub(crate) async fn begin(conn: Object, setup: &str, claims: &str) -> Result<Self, StoreError> {
        conn.batch_execute("begin").await?;
        let tx = Self { conn: Some(conn) };
        tx.client().execute(setup, &[&claims]).await?;
        Ok(tx)
    }

    /// The connection, inside the transaction. Statements run with the transaction's role.
    pub fn client(&self) -> &tokio_postgres::Client {
        match &self.conn {
            Some(conn) => conn,
            // `conn` is only taken by `commit(self)` and `drop`, after which `self` is gone.
            None => unreachable!("transaction used after it ended"),
        }
    }

    /// A prepared statement kept on this pooled connection, so a statement run once per page is
    /// parsed and planned once per connection instead of every time.
    pub async fn prepare_cached(&self, sql: &str) -> Result<tokio_postgres::Statement, StoreError> {
        match &self.conn {
            Some(conn) => Ok(conn.prepare_cached(sql).await?),
            None => unreachable!("transaction used after it ended"),
        }
    }

    pub async fn commit(mut self) -> Result<(), StoreError> {
        if let Some(conn) = self.conn.take() {
            conn.batch_execute("commit").await?;
        }
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // Roll back before the connection returns to the pool; without a runtime, close it instead
        // (the server rolls back a transaction whose connection is gone).
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    if conn.batch_execute("rollback").await.is_err() {
                        drop(Object::take(conn));
                    }
                });
            }
            Err(_) => drop(Object::take(conn)),
        }
    }
}
