use domain::{IntegrationHost, JobStatus, OrgId};
use mightycall::{BaseUrl, CachedToken, ClientConfig, MightyCallClient, MightyCallHost};
use store::Db;

use crate::failure::Stop;
use crate::{StoreLedger, SyncSettings};

const PROVIDER: &str = domain::Provider::MightyCall.as_str();

/// A MightyCall client for one org, and what the run must persist afterwards.
pub(crate) struct OrgClient {
    pub client: MightyCallClient,
    /// The token the run started with; a different one at the end is saved (sealed).
    pub initial_token: Option<CachedToken>,
    /// Whether these are the org's own credentials (only then is a token cached on its row).
    pub own_credentials: bool,
}

/// Opens the org's sealed credentials and cached token; where the org has none, the platform's
/// account — only if the deployment allows it and a platform admin bound this org to it. Having no
/// credentials is never enough: anyone can create an org. Data fetched with these credentials is
/// written to `org` only.
pub(crate) async fn for_org(
    db: &Db,
    secrets: &settings::AppSecrets,
    settings: &SyncSettings,
    org: OrgId,
) -> Result<OrgClient, Stop> {
    let tx = db.as_service().await?;
    let sealed = store::integrations::load_sealed(&tx, org, PROVIDER).await?;
    let bound = sealed.is_none() && store::platform_account::binding(&tx, org).await?.is_some();
    drop(tx);
    let (credentials, host, token, own) = match sealed {
        // An org admin switched the integration off: nothing may be fetched with it, by any trigger.
        Some(sealed) if !sealed.enabled => {
            return Err(end(
                "integration_disabled",
                "the MightyCall integration is disabled; an org admin can enable it again",
            ));
        }
        Some(sealed) => {
            let keyring = secrets
                .keyring()
                .map_err(|e| Stop::Engine(crate::EngineError::Config(e.to_string())))?;
            let vault = vault::Vault::new(keyring);
            let credentials = vault
                .open_credentials(org, PROVIDER, &sealed.credentials_ciphertext)
                .map_err(|_| end("credentials_unreadable", "the stored credentials cannot be opened; an org admin must save them again"))?;
            // A token that no longer opens (e.g. after a key was removed) just costs a new one.
            let token = sealed
                .token_cache_ciphertext
                .as_deref()
                .and_then(|t| vault.open_token(org, PROVIDER, t).ok());
            let host = mightycall_host(IntegrationHost::from_metadata(sealed.host.as_deref()));
            (credentials, host, token, true)
        }
        None => match (
            settings.allow_platform_credentials && bound,
            secrets.platform_mightycall(),
        ) {
            (true, Some(platform)) => (platform.clone(), MightyCallHost::Api, None, false),
            _ => {
                return Err(end(
                    "no_credentials",
                    "this organisation has no MightyCall integration",
                ));
            }
        },
    };
    let base = BaseUrl::resolve(host, settings.base_override.as_deref())
        .map_err(|e| Stop::Engine(crate::EngineError::Config(e.to_string())))?;
    let mut config = ClientConfig::new(credentials, base);
    config.budget = Some(StoreLedger::budget(db.clone(), settings.daily_budget));
    config.timeouts = settings.timeouts;
    config.retry = settings.retry;
    let client = MightyCallClient::new(config, token.clone())
        .map_err(|e| Stop::Engine(crate::EngineError::Config(e.to_string())))?;
    Ok(OrgClient {
        client,
        initial_token: token,
        own_credentials: own,
    })
}

fn end(code: &'static str, message: &str) -> Stop {
    Stop::End {
        status: JobStatus::Failed,
        code,
        message: message.to_owned(),
    }
}

/// Saves a token the run obtained so the next run does not spend a request on one.
pub(crate) async fn persist_token(
    db: &Db,
    secrets: &settings::AppSecrets,
    org: OrgId,
    org_client: &OrgClient,
) -> Result<(), Stop> {
    let Some(token) = org_client.client.token_snapshot() else {
        return Ok(());
    };
    let unchanged = org_client
        .initial_token
        .as_ref()
        .is_some_and(|t| t.expires_at() == token.expires_at());
    if unchanged || !org_client.own_credentials {
        return Ok(());
    }
    let Ok(keyring) = secrets.keyring() else {
        return Ok(());
    };
    let Ok(sealed) = vault::Vault::new(keyring).seal_token(org, PROVIDER, &token) else {
        return Ok(());
    };
    let tx = db.as_service().await?;
    store::integrations::save_token(&tx, org, PROVIDER, &sealed, token.expires_at()).await?;
    tx.commit().await?;
    Ok(())
}

/// The MightyCall host an org's choice stands for.
pub fn mightycall_host(host: IntegrationHost) -> MightyCallHost {
    match host {
        IntegrationHost::Api => MightyCallHost::Api,
        IntegrationHost::Ccapi => MightyCallHost::Ccapi,
    }
}
