use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::ParseError;

/// A bearer secret this service hands out once: 32 random bytes as unpadded base64url (43
/// characters). The database keeps only its SHA-256; `Debug` never shows it.
macro_rules! secret_token {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn generate() -> Self {
                Self(URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>()))
            }

            pub fn parse(token: &str) -> Result<Self, ParseError> {
                let invalid =
                    || ParseError(concat!($field, " is not a token this service issued").into());
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

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_token!(
    /// An organisation invite, shown to the inviting admin once.
    InviteToken,
    "invite_token"
);

secret_token!(
    /// The secret path segment of an org's MightyCall webhook URL (MightyCall cannot sign its
    /// webhooks), shown to the org admin who generates it once.
    WebhookToken,
    "webhook token"
);
