//! Names people give things: trimmed, printable, bounded, so what is stored is what is shown.

use std::fmt;

use serde::Serialize;

use crate::ParseError;

/// Trimmed `raw` when it has from `min` to `max` characters and no control character.
fn printable(raw: &str, min: usize, max: usize) -> Option<String> {
    let text = raw.trim();
    let length = text.chars().count();
    ((min..=max).contains(&length) && !text.chars().any(char::is_control)).then(|| text.to_owned())
}

/// An organisation's name: 1 to 120 printable characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        printable(raw, 1, 120)
            .map(Self)
            .ok_or_else(|| ParseError("org_name must be 1 to 120 printable characters".into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A label an org admin gives an integration: at most 100 printable characters; blank is none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Label(String);

impl Label {
    /// `None` for a blank label.
    pub fn parse(raw: &str) -> Result<Option<Self>, ParseError> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        printable(raw, 1, 100)
            .map(|l| Some(Self(l)))
            .ok_or_else(|| {
                ParseError("metadata.label must be at most 100 printable characters".into())
            })
    }
}

/// Which of MightyCall's two API hosts an org's account lives on; orgs choose one, never a URL.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum IntegrationHost {
    /// Classic accounts.
    #[default]
    Api,
    /// Call Center accounts.
    Ccapi,
}

impl IntegrationHost {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Api => "api",
            Self::Ccapi => "ccapi",
        }
    }

    /// As stored in an integration's metadata; anything else (or nothing) is the classic host.
    pub fn from_metadata(value: Option<&str>) -> Self {
        match value {
            Some("ccapi") => Self::Ccapi,
            _ => Self::Api,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_printable_and_bounded() {
        assert_eq!(OrgName::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert_eq!(
            OrgName::parse(&"é".repeat(120))
                .unwrap()
                .as_str()
                .chars()
                .count(),
            120
        );
        for bad in ["", "   ", "bad\u{7}name", &"x".repeat(121)] {
            assert!(OrgName::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(Label::parse("  ").unwrap(), None);
        assert!(Label::parse(&"x".repeat(101)).is_err());
        assert!(Label::parse("tab\there").is_err());
        assert_eq!(Label::parse(" Main ").unwrap(), Some(Label("Main".into())));
    }

    #[test]
    fn hosts_read_back_from_metadata() {
        for host in [IntegrationHost::Api, IntegrationHost::Ccapi] {
            assert_eq!(IntegrationHost::from_metadata(Some(host.as_str())), host);
        }
        assert_eq!(IntegrationHost::from_metadata(None), IntegrationHost::Api);
    }
}
