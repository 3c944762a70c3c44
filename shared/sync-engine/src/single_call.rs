//! One call fetched on its own (`GET /calls/{id}`), for a webhook that says the call has ended. It
//! uses the org's client like a sync (same credentials, token cache and the api key's shared daily
//! budget), so the request is reserved from the key's quota and counted in the org's usage.

use chrono::Utc;
use domain::OrgId;
use store::sync_jobs;

use crate::failure::Stop;
use crate::{Engine, EngineError, SyncSettings, client, mapping};

/// Why a single call could not be fetched. The codes are stable and carry no upstream text.
#[derive(Debug, thiserror::Error)]
pub enum FetchCallError {
    /// MightyCall refused or failed (down, quota, unknown call, no credentials): the code says which.
    #[error("MightyCall could not deliver the call ({0})")]
    Upstream(&'static str),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<store::StoreError> for FetchCallError {
    fn from(e: store::StoreError) -> Self {
        Self::Engine(e.into())
    }
}

impl From<Stop> for FetchCallError {
    fn from(stop: Stop) -> Self {
        match stop {
            Stop::End { code, .. } => Self::Upstream(code),
            Stop::Engine(e) => Self::Engine(e),
            Stop::Pause(_) => Self::Engine(EngineError::Config("unexpected pause".into())),
        }
    }
}

impl Engine {
    /// Fetches call `call_id` with `org`'s MightyCall account and upserts it into `org`'s calls.
    /// Every request it spent (token included) is counted, whatever the outcome.
    pub async fn fetch_call(&self, org: OrgId, call_id: &str) -> Result<(), FetchCallError> {
        let secrets = self
            .secrets
            .current()
            .await
            .map_err(|e| EngineError::Config(e.to_string()))?;
        let mut settings = SyncSettings::clone(&self.settings);
        // Someone (MightyCall) waits for the answer: one retry at most; the next sync covers the rest.
        settings.retry.max_retries = settings.retry.max_retries.min(1);
        let org_client = client::for_org(self.db(), &secrets, &settings, org).await?;
        let used = |c: &client::OrgClient| c.client.budget().map_or(0, |b| b.spent());
        let before = used(&org_client);
        let fetched = org_client.client.call(call_id).await;
        let spent = i32::try_from(used(&org_client).saturating_sub(before)).unwrap_or(i32::MAX);

        let tx = self.db().as_service().await?;
        sync_jobs::count_requests(&tx, org, Utc::now().date_naive(), spent).await?;
        if let Ok(call) = &fetched {
            match mapping::call(call) {
                Ok(row) => {
                    store::sync_rows::upsert_calls(&tx, org, &[row]).await?;
                }
                // Nothing truthful to store; a sync would skip and count it the same way.
                Err(reason) => tracing::warn!(?reason, "skipping a call MightyCall sent"),
            }
        }
        tx.commit().await?;
        if let Err(e) = client::persist_token(self.db(), &secrets, org, &org_client).await {
            tracing::warn!(error = ?e, "could not save the MightyCall token");
        }
        fetched
            .map(|_| ())
            .map_err(|e| FetchCallError::Upstream(e.code()))
    }
}
