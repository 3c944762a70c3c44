//! The text form of a sealed value: `v1.<key id>.<nonce>.<ciphertext and tag>`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{CryptoError, KeyId};

const VERSION: &str = "v1";
pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;

/// A parsed sealed value. Holds no secrets: the ciphertext is only readable with the key.
///
/// Parsing checks the format without decrypting, so a caller can read [`Sealed::key_id`] (to
/// count rows per key, or pick rows to rotate) without holding any key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    key_id: KeyId,
    nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the 16-byte GCM tag, as aes-gcm produces and expects it.
    ciphertext: Vec<u8>,
}

impl Sealed {
    pub(crate) fn new(key_id: KeyId, nonce: [u8; NONCE_LEN], ciphertext: Vec<u8>) -> Self {
        Self {
            key_id,
            nonce,
            ciphertext,
        }
    }

    /// Parses the text form. Anything other than exactly one well-formed `v1` value is
    /// [`CryptoError::Malformed`]; no input panics.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let mut parts = text.split('.');
        let (Some(version), Some(key_id), Some(nonce), Some(ciphertext), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(CryptoError::Malformed(
                "expected four '.'-separated parts: v1.<key id>.<nonce>.<ciphertext>",
            ));
        };
        if version != VERSION {
            return Err(CryptoError::Malformed("unsupported version (expected v1)"));
        }
        let key_id = KeyId::parse(key_id).map_err(|_| CryptoError::Malformed("invalid key id"))?;
        let nonce = URL_SAFE_NO_PAD
            .decode(nonce)
            .map_err(|_| CryptoError::Malformed("nonce is not unpadded base64url"))?
            .try_into()
            .map_err(|_| CryptoError::Malformed("nonce is not 12 bytes"))?;
        let ciphertext = URL_SAFE_NO_PAD
            .decode(ciphertext)
            .map_err(|_| CryptoError::Malformed("ciphertext is not unpadded base64url"))?;
        if ciphertext.len() < TAG_LEN {
            return Err(CryptoError::Malformed(
                "ciphertext is shorter than the 16-byte tag",
            ));
        }
        Ok(Self::new(key_id, nonce, ciphertext))
    }

    /// The key this value was sealed under.
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    pub(crate) fn nonce(&self) -> &[u8; NONCE_LEN] {
        &self.nonce
    }

    pub(crate) fn ciphertext(&self) -> &[u8] {
        &self.ciphertext
    }
}

/// Writes the text form; `Sealed::parse` reads it back unchanged.
impl fmt::Display for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{VERSION}.{}.{}.{}",
            self.key_id,
            URL_SAFE_NO_PAD.encode(self.nonce),
            URL_SAFE_NO_PAD.encode(&self.ciphertext)
        )
    }
}
