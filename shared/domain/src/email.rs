use std::fmt;

use serde::Serialize;

use crate::ParseError;

/// An email address as far as this service needs: one `@` with text on both sides, no spaces,
/// at most 320 characters. Compared case-insensitively, stored lowercase.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, format = Email)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 320
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@') && !domain.starts_with('.') && !domain.ends_with('.'));
        if valid {
            Ok(Self(email))
        } else {
            Err(ParseError(
                "email must be an address like name@example.com".into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
