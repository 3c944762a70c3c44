use deadpool_postgres::Object;

use crate::StoreError;

/// An open transaction on a pooled connection, already switched to its role. It is only ever
/// handed out as a [`UserTx`] or a [`ServiceTx`]: a store function that any caller may run takes
/// `&Tx` (both deref to it), one that must bypass RLS takes `&ServiceTx`, so the compiler keeps
/// user requests inside RLS. Commit it explicitly; dropping it rolls back.
pub struct Tx {
    conn: Option<Object>,
}

impl Tx {
    pub(crate) async fn begin(conn: Object, setup: &str, claims: &str) -> Result<Self, StoreError> {
        conn.batch_execute("begin").await?;
        let tx = Self { conn: Some(conn) };
        let setup = tx.prepare_cached(setup).await?;
        tx.client().execute(&setup, &[&claims]).await?;
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

    /// Runs `work` as `service_role`, then returns to the transaction's role, so that a write
    /// `authenticated` is not granted (an audit entry, a sync job, a profile's verified email)
    /// still commits or rolls back with the user's change. Only for writes the code has already
    /// authorised; everything else in the transaction keeps its role and RLS.
    pub(crate) async fn as_service_role<T>(
        &self,
        work: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let previous: String = crate::row::get(
            &self
                .client()
                .query_one("select current_setting('role') as role", &[])
                .await?,
            "role",
        )?;
        self.client()
            .execute("select set_config('role', 'service_role', true)", &[])
            .await?;
        let result = work.await;
        // After a failed statement the transaction is aborted and can only roll back, which
        // restores the role anyway: report the first error.
        let restored = self
            .client()
            .execute("select set_config('role', $1, true)", &[&previous])
            .await;
        match (result, restored) {
            (Ok(value), Ok(_)) => Ok(value),
            (Ok(_), Err(e)) => Err(e.into()),
            (Err(e), _) => Err(e),
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

/// A transaction as role `authenticated` with the caller's JWT claims: RLS applies to every
/// statement ([`crate::Db::as_user`]).
pub struct UserTx(pub(crate) Tx);

/// A transaction as `service_role`, which bypasses RLS ([`crate::Db::as_service`]). Only
/// server-side paths whose authorisation the code has already decided open one.
pub struct ServiceTx(pub(crate) Tx);

macro_rules! role_tx {
    ($role:ident) => {
        impl std::ops::Deref for $role {
            type Target = Tx;

            fn deref(&self) -> &Tx {
                &self.0
            }
        }

        impl $role {
            pub async fn commit(self) -> Result<(), StoreError> {
                self.0.commit().await
            }
        }
    };
}

role_tx!(UserTx);
role_tx!(ServiceTx);
