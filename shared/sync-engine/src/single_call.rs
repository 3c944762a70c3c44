//! Requests made for one org outside a sync: a webhook's single call (`GET /calls/{id}`), and the
//! live operations (audio, SMS). They use the org's client like a sync (same credentials, token
//! cache and the api key's shared daily budget), so each request is reserved from the key's quota
//! and counted in the org's usage.

use chrono::Utc;
use domain::OrgId;
use mightycall::{MightyCallClient, MightyCallError};
use store::sync_jobs;

use crate::failure::Stop;
use crate::{Engine, EngineError, SyncSettings, client, mapping};

/// Why a request for an org could not be made. The codes are stable and carry no upstream text.
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
    /// Runs `work` with `org`'s MightyCall client: someone waits for the answer, so one retry at
    /// most. Every request it spent (token included) is counted in the org's usage, whatever the
    /// outcome, and a new token is saved for the next caller. MightyCall's own error is returned as
    /// it is, for the caller to map (`MightyCallError::code` carries no upstream text).
    pub async fn for_org<T>(
        &self,
        org: OrgId,
        work: impl AsyncFnOnce(&MightyCallClient) -> Result<T, MightyCallError>,
    ) -> Result<Result<T, MightyCallError>, FetchCallError> {
        let secrets = self
            .secrets
            .current()
            .await
            .map_err(|e| EngineError::Config(e.to_string()))?;
        let mut settings = SyncSettings::clone(&self.settings);
        settings.retry.max_retries = settings.retry.max_retries.min(1);
        let org_client = client::for_org(self.db(), &secrets, &settings, org).await?;
        let used = |c: &client::OrgClient| c.client.budget().map_or(0, |b| b.spent());
        let before = used(&org_client);
        let outcome = work(&org_client.client).await;
        let spent = i32::try_from(used(&org_client).saturating_sub(before)).unwrap_or(i32::MAX);

        let tx = self.db().as_service().await?;
        sync_jobs::count_requests(&tx, org, Utc::now().date_naive(), spent).await?;
        tx.commit().await?;
        if let Err(e) = client::persist_token(self.db(), &secrets, org, &org_client).await {
            tracing::warn!(error = ?e, "could not save the MightyCall token");
        }
        Ok(outcome)
    }

    /// Fetches call `call_id` with `org`'s MightyCall account and upserts it into `org`'s calls.
    pub async fn fetch_call(&self, org: OrgId, call_id: &str) -> Result<(), FetchCallError> {
        let call = self
            .for_org(org, async |client| client.call(call_id).await)
            .await?
            .map_err(|e| FetchCallError::Upstream(e.code()))?;
        match mapping::call(&call) {
            Ok(row) => {
                let tx = self.db().as_service().await?;
                store::sync_rows::upsert_calls(&tx, org, &[row]).await?;
                tx.commit().await?;
            }
            // Nothing truthful to store; a sync would skip and count it the same way.
            Err(reason) => tracing::warn!(?reason, "skipping a call MightyCall sent"),
        }
        Ok(())
    }
}
