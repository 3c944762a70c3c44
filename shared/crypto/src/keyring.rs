//! The keyring: every key that may still open old rows, and the one active key that seals.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::fmt;

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::TryRngCore as _;
use rand::rngs::OsRng;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use zeroize::Zeroizing;

use crate::sealed::{NONCE_LEN, TAG_LEN};
use crate::{CryptoError, KeyId, KeyringError, Sealed};

const KEY_LEN: usize = 32;

/// AES-256-GCM keys by id, one of them active.
///
/// Only the initialised ciphers are kept, not the raw key bytes; the workspace turns on the
/// `zeroize` features of `aes` and `polyval`, so their key schedules are wiped on drop.
/// `Debug` shows key ids only.
pub struct Keyring {
    active: KeyId,
    ciphers: BTreeMap<KeyId, Aes256Gcm>,
}

impl Keyring {
    /// Reads `{"active":"<key id>","keys":{"<key id>":"<base64 of 32 bytes>", ...}}`.
    ///
    /// Keys are standard padded base64 (RFC 4648 §4), as `openssl rand -base64 32` prints them.
    /// Every key must be valid, not only the active one: a bad retired key would otherwise only
    /// show up when an old row is read. Intermediate copies of key text and bytes are zeroized;
    /// the caller owns `json` and should zeroize it too.
    pub fn from_json(json: &str) -> Result<Self, KeyringError> {
        let raw: RawKeyring = serde_json::from_str(json).map_err(|e| {
            let (line, column) = (e.line(), e.column());
            // serde_json's own message can quote the offending value, which may be a key.
            if e.is_data() {
                KeyringError::Shape { line, column }
            } else {
                KeyringError::NotJson { line, column }
            }
        })?;

        let active = raw.active.ok_or(KeyringError::MissingActive)?;
        let active = KeyId::parse(&active).map_err(KeyringError::InvalidActive)?;
        let entries = raw.keys.ok_or(KeyringError::MissingKeys)?.0;
        if entries.is_empty() {
            return Err(KeyringError::EmptyKeys);
        }

        let mut ciphers = BTreeMap::new();
        for (index, (key_id, key)) in entries.iter().enumerate() {
            let key_id = KeyId::parse(key_id).map_err(|source| KeyringError::InvalidKeyId {
                entry: index + 1,
                source,
            })?;
            let cipher = cipher_from_base64(&key_id, key)?;
            match ciphers.entry(key_id) {
                Entry::Vacant(slot) => {
                    slot.insert(cipher);
                }
                Entry::Occupied(slot) => {
                    return Err(KeyringError::DuplicateKeyId(slot.key().clone()));
                }
            }
        }
        if !ciphers.contains_key(&active) {
            return Err(KeyringError::ActiveNotInKeys(active));
        }
        Ok(Self { active, ciphers })
    }

    /// The key that [`Keyring::seal`] uses.
    pub fn active_key_id(&self) -> &KeyId {
        &self.active
    }

    /// Encrypts under the active key with a fresh random nonce; returns the text form.
    ///
    /// `aad` is authenticated, not stored: [`Keyring::open`] needs the same bytes
    /// (use [`crate::Binding`]).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<String, CryptoError> {
        let cipher = self
            .ciphers
            .get(&self.active)
            .ok_or_else(|| CryptoError::UnknownKey(self.active.clone()))?;
        // 96-bit random nonces stay safe far beyond the number of credentials one key will seal
        // (the usual bound is 2^32 messages per key).
        let mut nonce = [0u8; NONCE_LEN];
        OsRng
            .try_fill_bytes(&mut nonce)
            .map_err(|_| CryptoError::Random)?;
        // Room for the tag up front, so no reallocation leaves a copy behind.
        let mut buffer = Vec::with_capacity(plaintext.len() + TAG_LEN);
        buffer.extend_from_slice(plaintext);
        if cipher
            .encrypt_in_place(Nonce::from_slice(&nonce), aad, &mut buffer)
            .is_err()
        {
            // Failure leaves the buffer as it was: plaintext.
            zeroize::Zeroize::zeroize(&mut buffer);
            return Err(CryptoError::PlaintextTooLong);
        }
        Ok(Sealed::new(self.active.clone(), nonce, buffer).to_string())
    }

    /// Decrypts a value sealed under any key of the keyring, checking `aad`.
    pub fn open(&self, sealed: &str, aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let sealed = Sealed::parse(sealed)?;
        let cipher = self
            .ciphers
            .get(sealed.key_id())
            .ok_or_else(|| CryptoError::UnknownKey(sealed.key_id().clone()))?;
        // Decrypt inside a buffer that is already wiped on drop.
        let mut buffer = Zeroizing::new(sealed.ciphertext().to_vec());
        cipher
            .decrypt_in_place(Nonce::from_slice(sealed.nonce()), aad, &mut *buffer)
            .map_err(|_| CryptoError::Authentication)?;
        Ok(buffer)
    }

    /// Whether `sealed` should be passed to [`Keyring::reseal`]: true unless it is well-formed
    /// and already under the active key. A malformed value counts as needing attention;
    /// `reseal` then reports exactly what is wrong with it.
    pub fn needs_rotation(&self, sealed: &str) -> bool {
        !matches!(Sealed::parse(sealed), Ok(s) if *s.key_id() == self.active)
    }

    /// Opens with whichever key sealed the value and seals again under the active key, with a
    /// new nonce and the same `aad`.
    pub fn reseal(&self, sealed: &str, aad: &[u8]) -> Result<String, CryptoError> {
        let plaintext = self.open(sealed, aad)?;
        self.seal(&plaintext, aad)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("active", &self.active.as_str())
            .field(
                "key_ids",
                &self.ciphers.keys().map(KeyId::as_str).collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn cipher_from_base64(key_id: &KeyId, key: &str) -> Result<Aes256Gcm, KeyringError> {
    // Decode into a buffer we own, so the key bytes are wiped whatever happens.
    let mut bytes = Zeroizing::new(Vec::with_capacity(key.len()));
    STANDARD
        .decode_vec(key, &mut bytes)
        .map_err(|_| KeyringError::KeyNotBase64(key_id.clone()))?;
    if bytes.len() != KEY_LEN {
        return Err(KeyringError::KeyWrongLength {
            key_id: key_id.clone(),
            len: bytes.len(),
        });
    }
    Aes256Gcm::new_from_slice(&bytes).map_err(|_| KeyringError::KeyWrongLength {
        key_id: key_id.clone(),
        len: bytes.len(),
    })
}

/// The configuration as written. Both fields optional so their absence gets its own error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyring {
    active: Option<String>,
    keys: Option<RawKeys>,
}

/// `keys` as a list in document order: a map would silently keep only one of two entries with
/// the same id, and the key text is wrapped for zeroization as soon as it is read.
struct RawKeys(Vec<(String, Zeroizing<String>)>);

impl<'de> Deserialize<'de> for RawKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;

        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = RawKeys;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of key id to base64 key")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawKeys, A::Error> {
                let mut entries = Vec::new();
                while let Some(key_id) = map.next_key::<String>()? {
                    let key = Zeroizing::new(map.next_value::<String>()?);
                    entries.push((key_id, key));
                }
                Ok(RawKeys(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor)
    }
}
