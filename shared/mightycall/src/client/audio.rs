//! Recording and voicemail audio: a byte range of the file a call's `callRecord.uri` or a
//! voicemail's `voicemailRecord.uri` names, fetched with the org's token.
//!
//! The links may expire [reference: "Recording links may need the bearer token or expire"], so a
//! link the file host refuses is replaced by the one a fresh `GET /calls/{id}` (or
//! `/voicemails/{id}`) names. The bearer token and api key go only to MightyCall's own hosts: a
//! link naming any other host is never followed, and redirects are not followed either.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use url::Url;

use super::MightyCallClient;
use crate::decode::{DataEnvelope, parse_body};
use crate::error::MightyCallError;
use crate::models::{RecordFile, Voicemail};
use crate::transport::{BodyWindow, RawResponse};

/// Whose audio: a call's recording or a voicemail, by MightyCall's id.
#[derive(Clone, Copy, Debug)]
pub enum AudioSource<'a> {
    Call(&'a str),
    Voicemail(&'a str),
}

/// One byte range of a file (RFC 9110), offsets from 0, `end` included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=start-end`, or to the end of the file without `end`.
    From { start: u64, end: Option<u64> },
    /// `bytes=-len`: the file's last `len` bytes.
    Last(u64),
}

impl ByteRange {
    pub const WHOLE: Self = Self::From {
        start: 0,
        end: None,
    };

    /// The offsets this range covers in a file of `size` bytes, at most `chunk` of them; `None`
    /// when none of it lies in the file.
    pub fn within(self, size: u64, chunk: u64) -> Option<(u64, u64)> {
        let last = size.checked_sub(1)?;
        let (start, end) = match self {
            Self::From { start, end } => (start, end.unwrap_or(last).min(last)),
            Self::Last(0) => return None,
            Self::Last(len) => (size.saturating_sub(len), last),
        };
        let end = end.min(start.saturating_add(chunk.max(1) - 1));
        (start <= end).then_some((start, end))
    }

    /// The `Range` header asking for at most `chunk` bytes of this range.
    fn header(self, chunk: u64) -> String {
        match self {
            Self::From { start, end } => {
                let last = start.saturating_add(chunk.max(1) - 1);
                format!("bytes={start}-{}", end.map_or(last, |end| end.min(last)))
            }
            // The size is not known yet: the answer's first `chunk` bytes are kept.
            Self::Last(len) => format!("bytes=-{len}"),
        }
    }
}

/// How much is served at once, and the largest file served at all.
#[derive(Clone, Copy, Debug)]
pub struct AudioLimits {
    pub chunk: u64,
    pub max_size: u64,
}

/// A recording link on one of MightyCall's hosts. It works like a password while it lasts, so it
/// is never shown (`Debug` is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct RecordLink(Url);

impl RecordLink {
    /// For storing, so the next request can use it again.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for RecordLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordLink([redacted])")
    }
}

/// A part of an audio file.
#[derive(Debug)]
pub struct AudioChunk {
    /// An `audio/…` type as the file host named it, else guessed from the file name.
    pub content_type: String,
    /// The offset of `bytes` in the file, and the file's whole size.
    pub start: u64,
    pub size: u64,
    pub bytes: Bytes,
}

/// What came of a request for audio.
#[derive(Debug)]
pub enum Audio {
    Chunk(AudioChunk),
    /// MightyCall has no audio for it: no record, an unknown id, or a file that is gone.
    Missing,
    /// The range lies outside the file (of `size` bytes, when the host said).
    Unsatisfiable {
        size: Option<u64>,
    },
    /// The file is larger than [`AudioLimits::max_size`].
    TooLarge {
        size: u64,
    },
}

/// The answer, and the link that served it when it is not the one the caller passed in.
#[derive(Debug)]
pub struct FetchedAudio {
    pub audio: Audio,
    pub fresh_link: Option<RecordLink>,
}

/// One try of one link.
enum Try {
    Done(Audio),
    /// The host refused the link (expired, gone, not ours to read).
    Refused,
}

impl MightyCallClient {
    /// `GET /voicemails/{id}`. Unknown ids come back as `NotFound` (MightyCall: HTTP 400).
    pub async fn voicemail(&self, id: &str) -> Result<Voicemail, MightyCallError> {
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| MightyCallError::BadRequest {
            details: "voicemail id must be a GUID".to_owned(),
        })?;
        let body = self
            .get(
                "voicemails/{id}",
                &format!("/voicemails/{}", id.hyphenated()),
                Vec::new(),
            )
            .await?;
        parse_body::<DataEnvelope<Voicemail>>("voicemail", &body).map(|e| e.data)
    }

    /// `range` of `source`'s audio, through `stored` (the link synced earlier) while the host
    /// accepts it, else through the link MightyCall names now (one more request).
    pub async fn audio(
        &self,
        source: AudioSource<'_>,
        stored: Option<&str>,
        range: ByteRange,
        limits: AudioLimits,
    ) -> Result<FetchedAudio, MightyCallError> {
        match stored.map(|link| self.own_link(link)) {
            Some(Some(link)) => {
                if let Try::Done(audio) = self.try_link(&link, range, limits).await? {
                    return Ok(FetchedAudio {
                        audio,
                        fresh_link: None,
                    });
                }
            }
            Some(None) => {
                tracing::warn!("a stored recording link names a foreign host; not followed")
            }
            None => {}
        }
        let Some(link) = self.current_link(source).await? else {
            return Ok(FetchedAudio {
                audio: Audio::Missing,
                fresh_link: None,
            });
        };
        let audio = match self.try_link(&link, range, limits).await? {
            Try::Done(audio) => audio,
            Try::Refused => Audio::Missing,
        };
        Ok(FetchedAudio {
            audio,
            fresh_link: Some(link),
        })
    }

    /// The link MightyCall names for `source` now; `None` when it has no audio (or no such id).
    async fn current_link(
        &self,
        source: AudioSource<'_>,
    ) -> Result<Option<RecordLink>, MightyCallError> {
        let record: Result<Option<RecordFile>, MightyCallError> = match source {
            AudioSource::Call(id) => self.call(id).await.map(|c| c.call_record),
            AudioSource::Voicemail(id) => self.voicemail(id).await.map(|v| v.voicemail_record),
        };
        let uri = match record {
            Ok(record) => record.and_then(|r| r.uri),
            // An id MightyCall does not know (or that is not even a GUID) has no audio.
            Err(MightyCallError::NotFound { .. } | MightyCallError::BadRequest { .. }) => None,
            Err(e) => return Err(e),
        };
        let Some(uri) = uri else { return Ok(None) };
        let link = self.own_link(&uri);
        if link.is_none() {
            tracing::warn!("MightyCall named a recording link on a foreign host; not followed");
        }
        Ok(link)
    }

    /// `link` if it is on MightyCall's own hosts: https on `mightycall.com` or a subdomain, or the
    /// origin of this client's base URL (a deployment's override, e.g. the fake). Nothing else
    /// gets the token.
    fn own_link(&self, link: &str) -> Option<RecordLink> {
        let url = Url::parse(link.trim()).ok()?;
        if !url.username().is_empty() || url.password().is_some() {
            return None;
        }
        let host = url.host_str()?.to_ascii_lowercase();
        let mightycall = url.scheme() == "https"
            && (host == "mightycall.com" || host.ends_with(".mightycall.com"));
        let base = Url::parse(self.inner.base_url.as_str()).ok()?;
        let same_origin = base.origin() == url.origin();
        (mightycall || same_origin).then_some(RecordLink(url))
    }

    /// Asks the file host for `range` of `link`. A 401 gets one token refresh, as every request.
    async fn try_link(
        &self,
        link: &RecordLink,
        range: ByteRange,
        limits: AudioLimits,
    ) -> Result<Try, MightyCallError> {
        let mut token = self.valid_token().await?;
        let mut refreshed = false;
        let range_header = range.header(limits.chunk);
        let window =
            |status: StatusCode, headers: &HeaderMap| body_window(status, headers, range, limits);
        loop {
            let transport = &self.inner.transport;
            let response = transport
                .send_window("audio", &window, || {
                    transport
                        .http()
                        .get(link.0.clone())
                        .bearer_auth(token.access_token())
                        .header("x-api-key", self.inner.credentials.api_key.expose())
                        .header(header::RANGE, &range_header)
                })
                .await
                .map_err(|e| self.scrub(e))?;
            match response.status {
                StatusCode::UNAUTHORIZED if !refreshed => {
                    tracing::info!("the file host rejected the token; refreshing once");
                    token = self.replace_rejected(&token).await?;
                    refreshed = true;
                }
                StatusCode::RANGE_NOT_SATISFIABLE => {
                    let size = content_range(&response.headers).and_then(|r| r.size);
                    return Ok(Try::Done(Audio::Unsatisfiable { size }));
                }
                StatusCode::OK | StatusCode::PARTIAL_CONTENT => {
                    return chunk(response, link, range, limits).map(Try::Done);
                }
                status if status.is_client_error() || status.is_redirection() => {
                    tracing::info!(status = status.as_u16(), "the file host refused the link");
                    return Ok(Try::Refused);
                }
                status => {
                    return Err(MightyCallError::Upstream {
                        status: status.as_u16(),
                    });
                }
            }
        }
    }
}

/// `Content-Range: bytes first-last/size`, `bytes */size` or with `*` for an unknown size.
struct ContentRange {
    span: Option<(u64, u64)>,
    size: Option<u64>,
}

fn content_range(headers: &HeaderMap) -> Option<ContentRange> {
    let value = headers.get(header::CONTENT_RANGE)?.to_str().ok()?;
    let (span, size) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let size = match size {
        "*" => None,
        size => Some(size.parse().ok()?),
    };
    let span = match span {
        "*" => None,
        span => {
            let (first, last) = span.split_once('-')?;
            Some((first.parse().ok()?, last.parse().ok()?))
        }
    };
    Some(ContentRange { span, size })
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// What to keep of a file host's answer: a 206 is already the range (its first `chunk` bytes are
/// kept); a 200 is the whole file, whose range is cut out while reading, or, without a length,
/// read whole up to the size limit.
fn body_window(
    status: StatusCode,
    headers: &HeaderMap,
    range: ByteRange,
    limits: AudioLimits,
) -> BodyWindow {
    let nothing = BodyWindow {
        skip: 0,
        take: 0,
        limit: 0,
    };
    if status == StatusCode::PARTIAL_CONTENT {
        return match content_range(headers).and_then(|r| r.size) {
            Some(size) if size > limits.max_size => nothing,
            _ => BodyWindow {
                skip: 0,
                take: limits.chunk,
                limit: limits.chunk,
            },
        };
    }
    match content_length(headers) {
        Some(size) if size > limits.max_size => nothing,
        Some(size) => match range.within(size, limits.chunk) {
            Some((start, end)) => BodyWindow {
                skip: start,
                take: end - start + 1,
                limit: end + 1,
            },
            None => nothing,
        },
        // No length: read on to learn the size, keeping only what a start offset needs (a suffix
        // needs the whole file, up to the size limit).
        None => BodyWindow {
            skip: kept_from(range),
            take: match range {
                ByteRange::From { .. } => limits.chunk,
                ByteRange::Last(_) => limits.max_size,
            },
            limit: limits.max_size.saturating_add(1),
        },
    }
}

/// Where the part kept of a length-less 200 answer starts in the file.
fn kept_from(range: ByteRange) -> u64 {
    match range {
        ByteRange::From { start, .. } => start,
        ByteRange::Last(_) => 0,
    }
}

/// The chunk a 200 or 206 answer holds, checked against what the host says it sent.
fn chunk(
    response: RawResponse,
    link: &RecordLink,
    range: ByteRange,
    limits: AudioLimits,
) -> Result<Audio, MightyCallError> {
    let bad = |reason: &str| MightyCallError::decode("audio", reason);
    let content_type = audio_type(&response.headers, link);
    let len = |bytes: &Bytes| u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let (start, size, bytes) = if response.status == StatusCode::PARTIAL_CONTENT {
        let sent = content_range(&response.headers).ok_or_else(|| bad("no Content-Range"))?;
        let ((first, last), size) = sent.span.zip(sent.size).ok_or_else(|| bad("no size"))?;
        if size > limits.max_size {
            return Ok(Audio::TooLarge { size });
        }
        if first > last || last >= size {
            return Err(bad("an impossible Content-Range"));
        }
        let expected = (last - first + 1).min(limits.chunk);
        if len(&response.body) < expected {
            return Err(bad("fewer bytes than the Content-Range says"));
        }
        let bytes = response
            .body
            .slice(..usize::try_from(expected).unwrap_or(usize::MAX));
        (first, size, bytes)
    } else if let Some(size) = content_length(&response.headers) {
        if size > limits.max_size {
            return Ok(Audio::TooLarge { size });
        }
        let Some((start, end)) = range.within(size, limits.chunk) else {
            return Ok(Audio::Unsatisfiable { size: Some(size) });
        };
        if len(&response.body) != end - start + 1 {
            return Err(bad("fewer bytes than the Content-Length says"));
        }
        (start, size, response.body)
    } else {
        if !response.complete {
            return Ok(Audio::TooLarge {
                size: response.read,
            });
        }
        let size = response.read;
        let Some((start, end)) = range.within(size, limits.chunk) else {
            return Ok(Audio::Unsatisfiable { size: Some(size) });
        };
        let at = |offset: u64| {
            usize::try_from(offset.saturating_sub(kept_from(range))).unwrap_or(usize::MAX)
        };
        let bytes = response
            .body
            .get(at(start)..at(end + 1))
            .map(|part| response.body.slice_ref(part))
            .ok_or_else(|| bad("fewer bytes than were read"))?;
        (start, size, bytes)
    };
    Ok(Audio::Chunk(AudioChunk {
        content_type,
        start,
        size,
        bytes,
    }))
}

/// The host's `audio/…` type, else one guessed from the link's file name: never a type a browser
/// would render as a page.
fn audio_type(headers: &HeaderMap, link: &RecordLink) -> String {
    let named = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| {
            v.strip_prefix("audio/").is_some_and(|sub| {
                !sub.is_empty()
                    && sub.len() <= 64
                    && sub
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
            })
        });
    if let Some(named) = named {
        return named;
    }
    let path = link.0.path().to_ascii_lowercase();
    let guessed = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wav") => "audio/wav",
        Some("mp3") => "audio/mpeg",
        Some("ogg" | "oga" | "opus") => "audio/ogg",
        Some("m4a" | "mp4") => "audio/mp4",
        _ => "application/octet-stream",
    };
    guessed.to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn link(path: &str) -> RecordLink {
        RecordLink(Url::parse(&format!("https://panel.mightycall.com/{path}")).unwrap())
    }

    #[test]
    fn ranges_are_cut_to_the_file_and_to_one_chunk() {
        let from = |start, end| ByteRange::From { start, end };
        assert_eq!(ByteRange::WHOLE.within(10, 4), Some((0, 3)));
        assert_eq!(ByteRange::WHOLE.within(3, 4), Some((0, 2)));
        assert_eq!(from(2, Some(5)).within(10, 100), Some((2, 5)));
        assert_eq!(from(2, Some(50)).within(10, 100), Some((2, 9)));
        assert_eq!(from(9, None).within(10, 4), Some((9, 9)));
        assert_eq!(from(10, None).within(10, 4), None);
        assert_eq!(ByteRange::Last(3).within(10, 100), Some((7, 9)));
        assert_eq!(ByteRange::Last(30).within(10, 4), Some((0, 3)));
        assert_eq!(ByteRange::Last(0).within(10, 4), None);
        assert_eq!(ByteRange::WHOLE.within(0, 4), None);
    }

    #[test]
    fn the_upstream_range_asks_for_one_chunk_at_most() {
        let from = |start, end| ByteRange::From { start, end };
        assert_eq!(ByteRange::WHOLE.header(4), "bytes=0-3");
        assert_eq!(from(5, Some(6)).header(4), "bytes=5-6");
        assert_eq!(from(5, Some(60)).header(4), "bytes=5-8");
        assert_eq!(ByteRange::Last(9).header(4), "bytes=-9");
    }

    #[test]
    fn content_types_are_audio_or_a_download() {
        let named = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            headers
        };
        let wav = audio_type(&named("audio/x-wav; charset=x"), &link("a"));
        assert_eq!(wav, "audio/x-wav");
        assert_eq!(audio_type(&named("text/html"), &link("f.wav")), "audio/wav");
        assert_eq!(
            audio_type(&named("audio/<b>"), &link("f.MP3")),
            "audio/mpeg"
        );
        let unknown = audio_type(&HeaderMap::new(), &link("f.exe"));
        assert_eq!(unknown, "application/octet-stream");
    }

    fn client(base: &str) -> MightyCallClient {
        use crate::config::{ApiKey, BaseUrl, ClientConfig, Credentials, UserKey};
        let credentials = Credentials {
            api_key: ApiKey::parse("key").unwrap(),
            user_key: UserKey::parse("user").unwrap(),
        };
        let base = BaseUrl::deployment_override(base).unwrap();
        MightyCallClient::new(ClientConfig::new(credentials, base), None).unwrap()
    }

    #[test]
    fn only_mightycalls_own_hosts_get_the_token() {
        let c = client("http://127.0.0.1:9000/v4");
        for own in [
            "https://panel.mightycall.com/Mightycall/Files/a.wav?recordid=1",
            "https://mightycall.com/f.wav",
            "https://PANEL.MightyCall.com/f.wav",
            "http://127.0.0.1:9000/Mightycall/Files/a.wav",
        ] {
            assert!(c.own_link(own).is_some(), "{own}");
        }
        for foreign in [
            "http://panel.mightycall.com/f.wav",
            "https://panel.mightycall.com.evil.test/f.wav",
            "https://evilmightycall.com/f.wav",
            "https://user:pw@panel.mightycall.com/f.wav",
            "http://127.0.0.1:9001/f.wav",
            "https://127.0.0.1:9000/f.wav",
            "http://169.254.169.254/latest/meta-data",
            "file:///etc/passwd",
            ".../files/callrecord.wav?recordid=1",
            "",
        ] {
            assert!(c.own_link(foreign).is_none(), "{foreign}");
        }
    }

    #[test]
    fn a_link_never_shows_in_debug_output() {
        let shown = format!("{:?}", link("f.wav?recordid=secret"));
        assert!(!shown.contains("secret"), "{shown}");
    }
}
