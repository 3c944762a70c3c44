//! Why a request was not authenticated. Variants carry no data, so neither the token nor the
//! secret can end up in a message or a log line.

/// A rejected `Authorization` header. Every variant means "not authenticated"; see
/// [`AuthError::http_status`] and [`AuthError::code`] for the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token was sent")]
    Missing,
    #[error("the authorization header or token is malformed")]
    Malformed,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    #[error("the token signature is invalid")]
    InvalidSignature,
    #[error("the token algorithm is not accepted")]
    UnsupportedAlgorithm,
    #[error("the token audience is not accepted")]
    WrongAudience,
    #[error("the token issuer is not accepted")]
    WrongIssuer,
    #[error("the token role is not accepted")]
    WrongRole,
    #[error("the token subject is not a user id")]
    InvalidSubject,
    #[error("the token signing key is unknown")]
    UnknownKey,
    #[error("the signing keys could not be loaded")]
    JwksUnavailable,
}

impl AuthError {
    /// The `error` code for the JSON body. Deliberately coarse: the client learns whether to
    /// sign in again, refresh, or retry, but not which check an attacker's token failed.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "missing_token",
            Self::Expired => "token_expired",
            Self::JwksUnavailable => "auth_unavailable",
            _ => "invalid_token",
        }
    }

    /// 401 for every token problem; 503 when the JWKS cannot be loaded, because then the token
    /// may well be valid and the client should retry rather than drop the session.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::JwksUnavailable => 503,
            _ => 401,
        }
    }
}
