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

/// A whole number within `range`; unset means `None`. The one integer parser for every setting.
pub fn env_number<T>(
    name: &'static str,
    range: std::ops::RangeInclusive<T>,
) -> Result<Option<T>, SettingsError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    parse_number(name, env_optional(name).as_deref(), range)
}

fn parse_number<T>(
    name: &'static str,
    raw: Option<&str>,
    range: std::ops::RangeInclusive<T>,
) -> Result<Option<T>, SettingsError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let Some(raw) = raw else {
        return Ok(None);
    };
    match raw.trim().parse::<T>() {
        Ok(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(SettingsError::Invalid {
            name,
            reason: format!(
                "expected a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        }),
    }
}

/// A duration given in milliseconds, within `range` (in milliseconds).
pub fn env_millis(
    name: &'static str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<std::time::Duration>, SettingsError> {
    Ok(env_number(name, range)?.map(std::time::Duration::from_millis))
}

/// A duration given in seconds, within `range` (in seconds).
pub fn env_secs(
    name: &'static str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Option<std::time::Duration>, SettingsError> {
    Ok(env_number(name, range)?.map(std::time::Duration::from_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_parses_within_its_range_and_is_refused_by_name_outside_it() {
        assert_eq!(parse_number("N", None, 1..=5).unwrap(), None::<u32>);
        assert_eq!(parse_number("N", Some(" 5 "), 1..=5).unwrap(), Some(5u32));
        for bad in ["0", "6", "-1", "five", "", "2.5"] {
            let err = parse_number::<u32>("SYNC_X", Some(bad), 1..=5).unwrap_err();
            assert_eq!(
                err.to_string(),
                "SYNC_X is invalid: expected a whole number from 1 to 5",
                "{bad}"
            );
        }
    }
}
