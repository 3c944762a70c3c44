//! Errors. Messages name key ids, lengths and positions only: never key bytes, never plaintext,
//! never the rejected input itself (a mistyped keyring can put key material anywhere).

use thiserror::Error;

use crate::KeyId;

/// Why a string is not a [`KeyId`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyIdError {
    #[error("key id is empty")]
    Empty,
    #[error("key id is {len} characters long; the limit is 64")]
    TooLong { len: usize },
    #[error("key id has a character other than A-Z, a-z, 0-9, '_' or '-' at position {position}")]
    InvalidChar { position: usize },
}

/// Why a keyring configuration was rejected. Meant to stop the process at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyringError {
    #[error("keyring is not valid JSON (line {line}, column {column})")]
    NotJson { line: usize, column: usize },
    #[error(
        "keyring must be a JSON object {{\"active\": \"<key id>\", \"keys\": {{\"<key id>\": \"<base64 of 32 bytes>\", ...}}}} with no other fields (mismatch at line {line}, column {column})"
    )]
    Shape { line: usize, column: usize },
    #[error("keyring has no \"active\" key id")]
    MissingActive,
    #[error("keyring \"active\" is not a valid key id: {0}")]
    InvalidActive(KeyIdError),
    #[error("keyring has no \"keys\" object")]
    MissingKeys,
    #[error("keyring \"keys\" is empty")]
    EmptyKeys,
    #[error("keyring \"keys\" entry #{entry} (counting from 1) has an invalid key id: {source}")]
    InvalidKeyId { entry: usize, source: KeyIdError },
    #[error("keyring \"keys\" lists key id {0} more than once")]
    DuplicateKeyId(KeyId),
    #[error("keyring key {0} is not standard padded base64")]
    KeyNotBase64(KeyId),
    #[error("keyring key {key_id} decodes to {len} bytes; AES-256 needs exactly 32")]
    KeyWrongLength { key_id: KeyId, len: usize },
    #[error("keyring \"active\" key id {0} is not in \"keys\"")]
    ActiveNotInKeys(KeyId),
}

/// Why sealing, opening or building a binding failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    /// The text is not a sealed value in a format this crate reads; the reason says which rule broke.
    #[error("sealed value is malformed: {0}")]
    Malformed(&'static str),
    /// Well-formed, but sealed under a key this keyring does not hold (retired too early?).
    #[error("sealed value names key id {0}, which is not in the keyring")]
    UnknownKey(KeyId),
    /// GCM tag check failed. Deliberately one case: telling them apart would help an attacker.
    #[error(
        "sealed value failed authentication: bound to another org/provider, altered, or sealed with different key bytes"
    )]
    Authentication,
    /// Only possible for plaintexts beyond GCM's limit (about 64 GiB).
    #[error("plaintext is too long to encrypt")]
    PlaintextTooLong,
    #[error("the operating system random number generator failed")]
    Random,
    #[error("binding {field} is empty or contains a NUL byte")]
    InvalidBinding { field: &'static str },
}
