//! Where a recording's or a voicemail's audio lives: the MightyCall id to ask about it and the link
//! synced last. Read in the caller's transaction, so RLS (tenancy and agent scoping) applies as well
//! as the view; a fresher link MightyCall named is saved by the service.

use std::fmt;

use domain::OrgId;
use tokio_postgres::Row;
use uuid::Uuid;

use crate::reports::CallView;
use crate::row::{FromRow, get, optional};
use crate::{ServiceTx, StoreError, Tx};

/// Which audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioKind {
    /// A call's recording (`mightycall_recordings`).
    Recording,
    Voicemail,
}

impl AudioKind {
    /// (table, link column, the column an agent's extension must match, the MightyCall id).
    fn columns(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Self::Recording => (
                "mightycall_recordings",
                "url",
                "agent_extension",
                "coalesce(call_external_id, external_id)",
            ),
            Self::Voicemail => (
                "mightycall_voicemails",
                "recording_url",
                "assigned_to",
                "external_id",
            ),
        }
    }
}

/// A stored recording or voicemail, as far as playing it goes.
pub struct StoredAudio {
    /// The call's (or voicemail's) id at MightyCall.
    pub mightycall_id: String,
    /// The link synced last; it may have expired.
    pub link: Option<String>,
}

/// The link works like a password while it lasts.
impl fmt::Debug for StoredAudio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredAudio")
            .field("mightycall_id", &self.mightycall_id)
            .field("link", &self.link.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl FromRow for StoredAudio {
    fn from_row(row: &Row) -> Result<Self, StoreError> {
        Ok(Self {
            mightycall_id: get(row, "mightycall_id")?,
            link: get(row, "link")?,
        })
    }
}

/// Row `id` of `kind` in `org` if `view` (and RLS) shows it to the transaction's user.
pub async fn find(
    tx: &Tx,
    org: OrgId,
    kind: AudioKind,
    id: Uuid,
    view: &CallView,
) -> Result<Option<StoredAudio>, StoreError> {
    let (table, link, agent, mightycall_id) = kind.columns();
    let (scoped, extension) = view.params();
    let sql = format!(
        "select {mightycall_id} as mightycall_id, {link} as link from {table}
         where org_id = $1 and id = $2 and (not $3 or {agent} = $4)"
    );
    let row = tx
        .client()
        .query_opt(&sql, &[&org.as_uuid(), &id, &scoped, &extension])
        .await?;
    optional(row)
}

/// Keeps the link MightyCall named now, so the next request (the next chunk) need not ask again.
pub async fn save_link(
    tx: &ServiceTx,
    org: OrgId,
    kind: AudioKind,
    id: Uuid,
    new_link: &str,
) -> Result<(), StoreError> {
    let (table, link, _, _) = kind.columns();
    let sql = format!("update {table} set {link} = $3 where org_id = $1 and id = $2");
    tx.client()
        .execute(&sql, &[&org.as_uuid(), &id, &new_link])
        .await?;
    Ok(())
}
