//! Associated data that ties a sealed credential to the row it belongs to.

use crate::CryptoError;

/// Domain separator: versioned, so a future layout cannot collide with this one.
const PREFIX: &[u8] = b"victorysync/credentials/v1";

/// The associated data for one credential: `victorysync/credentials/v1 NUL <org_id> NUL <provider>`.
///
/// Opening succeeds only with the exact bytes used to seal, so a ciphertext copied to another
/// org's row or another provider's column fails authentication. Both parts are checked to be
/// non-empty and NUL-free, which makes the encoding unambiguous (no two pairs give the same bytes).
///
/// Pass `org_id` in one canonical form, the lowercase hyphenated UUID (`Uuid`'s `Display`):
/// the bytes are compared, not the UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding(Vec<u8>);

impl Binding {
    pub fn new(org_id: &str, provider: &str) -> Result<Self, CryptoError> {
        check_part("org_id", org_id)?;
        check_part("provider", provider)?;
        let mut aad = Vec::with_capacity(PREFIX.len() + org_id.len() + provider.len() + 2);
        aad.extend_from_slice(PREFIX);
        aad.push(0);
        aad.extend_from_slice(org_id.as_bytes());
        aad.push(0);
        aad.extend_from_slice(provider.as_bytes());
        Ok(Self(aad))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

fn check_part(field: &'static str, value: &str) -> Result<(), CryptoError> {
    if value.is_empty() || value.contains('\0') {
        return Err(CryptoError::InvalidBinding { field });
    }
    Ok(())
}
