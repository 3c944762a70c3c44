//! Credentials at rest: AES-256-GCM under a rotating keyring.
//!
//! This crate knows nothing of databases, environment variables or domain types: callers pass
//! the keyring JSON and the associated data as plain strings and bytes.
//!
//! # Keyring configuration
//!
//! ```json
//! {"active": "2025-06", "keys": {"2025-01": "<base64 of 32 bytes>", "2025-06": "<base64 of 32 bytes>"}}
//! ```
//!
//! Every listed key can open; only `active` seals. Key ids match `^[A-Za-z0-9_-]{1,64}$`; keys
//! are standard padded base64 of exactly 32 random bytes (`openssl rand -base64 32`).
//! [`Keyring::from_json`] rejects anything else with a precise [`KeyringError`].
//!
//! # Sealed text format, version 1
//!
//! `v1.<key id>.<nonce>.<ciphertext>`, four parts separated by `.`:
//!
//! - `v1`: format version. Any other value is rejected.
//! - `<key id>`: the key that sealed the value, `^[A-Za-z0-9_-]{1,64}$`.
//! - `<nonce>`: the 12-byte (96-bit) random GCM nonce, unpadded base64url (16 characters).
//! - `<ciphertext>`: AES-256-GCM ciphertext followed by its 16-byte tag, unpadded base64url.
//!
//! Base64url (RFC 4648 §5) has no `.`, so the split is unambiguous; non-canonical base64 is
//! rejected, so each value has exactly one text form. The associated data is not stored; it is
//! rebuilt from the row by [`Binding`] as `victorysync/credentials/v1 NUL <org id> NUL
//! <provider>`, so a value moved to another org or provider fails to open.
//!
//! # Rotation
//!
//! Add a new key and make it `active`; keep the old keys listed. Old rows still open. A
//! re-encrypt job passes each row for which [`Keyring::needs_rotation`] is true to
//! [`Keyring::reseal`]; once none is left, the old key can be removed.
//!
//! # Secrets in memory
//!
//! Plaintexts come back as [`Zeroizing`] buffers; key bytes and key schedules are wiped on
//! drop; `Debug` of [`Keyring`] and every error message show key ids only.

mod binding;
mod error;
mod key_id;
mod keyring;
mod sealed;

pub use binding::Binding;
pub use error::{CryptoError, KeyIdError, KeyringError};
pub use key_id::KeyId;
pub use keyring::Keyring;
pub use sealed::Sealed;
pub use zeroize::Zeroizing;
