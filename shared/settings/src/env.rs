use crate::SettingsError;

/// A non-secret setting from the environment; empty counts as unset.
pub fn env_optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `true`/`1`/`yes` or `false`/`0`/`no` (any case); unset means `default`.
pub fn env_flag(name: &'static str, default: bool) -> Result<bool, SettingsError> {
    match env_optional(name).map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if ["true", "1", "yes"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["false", "0", "no"].contains(&v.as_str()) => Ok(false),
        Some(_) => Err(SettingsError::Invalid {
            name,
            reason: "expected true or false".into(),
        }),
    }
}
