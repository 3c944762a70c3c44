//! The `Range` request header of an audio request: one byte range (RFC 9110 §14.1.2).

use axum::http::HeaderMap;
use axum::http::header::RANGE;
use mightycall::ByteRange;
use web::ApiError;

fn invalid(message: &str) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_range",
        message: message.to_owned(),
    }
}

/// The range asked for; `None` without a `Range` header. Several ranges, other units and
/// malformed ones are refused (400): a player asks for one byte range at a time.
pub fn requested(headers: &HeaderMap) -> Result<Option<ByteRange>, ApiError> {
    let mut values = headers.get_all(RANGE).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(invalid("send one Range header"));
    }
    let value = value.to_str().map_err(|_| {
        invalid("Range must be `bytes=first-last`, `bytes=first-` or `bytes=-length`")
    })?;
    parse(value).map(Some)
}

fn parse(value: &str) -> Result<ByteRange, ApiError> {
    let usage = "Range must be `bytes=first-last`, `bytes=first-` or `bytes=-length`";
    let spec = value
        .trim()
        .strip_prefix("bytes=")
        .ok_or_else(|| invalid(usage))?;
    if spec.contains(',') {
        return Err(invalid("ask for one byte range at a time"));
    }
    let (first, last) = spec.split_once('-').ok_or_else(|| invalid(usage))?;
    let number = |text: &str| -> Result<u64, ApiError> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(usage));
        }
        text.parse()
            .map_err(|_| invalid("a Range offset is larger than any file"))
    };
    match (first, last) {
        ("", len) => Ok(ByteRange::Last(number(len)?)),
        (start, "") => Ok(ByteRange::From {
            start: number(start)?,
            end: None,
        }),
        (start, end) => {
            let (start, end) = (number(start)?, number(end)?);
            if end < start {
                return Err(invalid("a Range's last byte comes before its first"));
            }
            Ok(ByteRange::From {
                start,
                end: Some(end),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_of_one_byte_range_are_read() {
        let from = |start, end| ByteRange::From { start, end };
        assert_eq!(parse("bytes=0-99").ok(), Some(from(0, Some(99))));
        assert_eq!(parse("bytes=100-").ok(), Some(from(100, None)));
        assert_eq!(parse("bytes=-500").ok(), Some(ByteRange::Last(500)));
        assert_eq!(parse(" bytes=5-5 ").ok(), Some(from(5, Some(5))));
        assert_eq!(parse("bytes=-0").ok(), Some(ByteRange::Last(0)));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "bytes=",
            "bytes=-",
            "bytes=5",
            "bytes=9-3",
            "bytes=0-1,5-6",
            "items=0-5",
            "bytes=a-b",
            "bytes=+1-2",
            "bytes=0-99999999999999999999999",
            "bytes= 5-6",
            "bytes=5 -6",
        ] {
            let refused = parse(bad).err().map(|e| e.code());
            assert_eq!(refused, Some("invalid_range"), "{bad:?}");
        }
    }
}
