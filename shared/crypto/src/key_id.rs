//! Key identifiers: short, printable, and safe to store next to the ciphertext and in logs.

use std::fmt;

use crate::KeyIdError;

const MAX_LEN: usize = 64;

/// A validated key id, matching `^[A-Za-z0-9_-]{1,64}$` (the database column checks the same).
///
/// The alphabet excludes `.`, so a key id can never be confused with the separators of the
/// sealed text format.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(String);

impl KeyId {
    pub fn parse(text: &str) -> Result<Self, KeyIdError> {
        if text.is_empty() {
            return Err(KeyIdError::Empty);
        }
        if let Some(position) = text
            .chars()
            .position(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        {
            return Err(KeyIdError::InvalidChar { position });
        }
        // All ASCII from here, so bytes = characters.
        if text.len() > MAX_LEN {
            return Err(KeyIdError::TooLong { len: text.len() });
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
