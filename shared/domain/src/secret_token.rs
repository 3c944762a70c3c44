use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::ParseError;

/// An organisation invite: 32 random bytes as unpadded base64url (43 characters). It is shown to
/// the inviting admin once; the database keeps only its SHA-256.
#[derive(Clone, PartialEq, Eq)]
pub struct InviteToken(String);

impl InviteToken {
    pub fn generate() -> Self {
        Self(URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()))
    }

    pub fn parse(token: &str) -> Result<Self, ParseError> {
        let invalid = || ParseError("invite_token is not a token this service issued".into());
        if token.len() != 43 {
            return Err(invalid());
        }
        match URL_SAFE_NO_PAD.decode(token) {
            Ok(bytes) if bytes.len() == 32 => Ok(Self(token.to_owned())),
            _ => Err(invalid()),
        }
    }

    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(self.0.as_bytes()).into()
    }

    /// The token itself, for the one response that hands it out.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for InviteToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("InviteToken([redacted])")
    }
}
