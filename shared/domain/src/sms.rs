//! What an SMS is sent to and with: a number in E.164 form and a text within SMS limits.

use std::fmt;

use serde::Serialize;

use crate::ParseError;

/// A phone number in E.164 form: `+`, a country code not starting with 0, at most 15 digits in
/// all. Nothing else (spaces, dashes, brackets) is accepted, so what is stored and compared is one
/// spelling of the number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct E164Number(String);

impl E164Number {
    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let digits = raw.strip_prefix('+').unwrap_or_default();
        let valid = (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if valid {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ParseError(
                "must be a phone number in E.164 form: + and 2 to 15 digits, e.g. +12125550100"
                    .into(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for E164Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text of an SMS: 1 to 1,600 characters (characters, not bytes: MightyCall splits a long
/// text into parts itself), not blank, and no control characters but line breaks and tabs (a NUL
/// cannot even be stored). Kept as written, surrounding spaces included.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SmsText(String);

impl SmsText {
    pub const MAX_CHARS: usize = 1_600;

    pub fn parse(raw: &str) -> Result<Self, ParseError> {
        let length = raw.chars().count();
        if raw.trim().is_empty() || length > Self::MAX_CHARS {
            return Err(ParseError(format!(
                "must be 1 to {} characters and not blank",
                Self::MAX_CHARS
            )));
        }
        if raw
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(ParseError(
                "must not contain control characters other than line breaks and tabs".into(),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What people write stays out of logs.
impl fmt::Debug for SmsText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmsText({} characters)", self.0.chars().count())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn e164_numbers_parse_in_one_spelling_only() {
        for good in ["+12125550100", "+447911123456", "+49", "+123456789012345"] {
            assert_eq!(E164Number::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "+",
            "+1",
            "12125550100",
            "+0212555",
            "+1 212 555 0100",
            "+1-212-555-0100",
            "+1234567890123456",
            "+1212555010a",
            "++12125550100",
            " +12125550100",
            "+１２１２５５５０１００",
        ] {
            assert!(E164Number::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn sms_text_counts_characters_not_bytes() {
        let emoji = "😀".repeat(SmsText::MAX_CHARS);
        assert_eq!(emoji.len(), 4 * SmsText::MAX_CHARS);
        assert!(SmsText::parse(&emoji).is_ok());
        assert!(SmsText::parse(&format!("{emoji}😀")).is_err());
        assert!(SmsText::parse(&"a".repeat(SmsText::MAX_CHARS)).is_ok());
        assert!(SmsText::parse(&"a".repeat(SmsText::MAX_CHARS + 1)).is_err());
        assert_eq!(SmsText::parse("x").unwrap().as_str(), "x");
    }

    #[test]
    fn sms_text_refuses_blank_and_control_characters_but_keeps_line_breaks() {
        for bad in [
            "",
            "   ",
            "\n\t",
            "a\0b",
            "bell\u{7}",
            "esc\u{1b}[31m",
            "c1\u{85}",
        ] {
            assert!(SmsText::parse(bad).is_err(), "{bad:?}");
        }
        let kept = " Line one\r\n\tline two ";
        assert_eq!(SmsText::parse(kept).unwrap().as_str(), kept);
    }

    #[test]
    fn debug_does_not_show_the_text() {
        let text = SmsText::parse("private words").unwrap();
        assert_eq!(format!("{text:?}"), "SmsText(13 characters)");
    }
}
