//! Deterministic per-account data generated from a seed.

use crate::config::FakeConfig;
use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Incoming,
    Outgoing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Connected,
    Missed,
    VoiceMail,
    Dropped,
}

#[derive(Debug, Clone)]
pub struct FakePhoneNumber {
    pub number: String,
    pub object_guid: Uuid,
    pub label: Option<String>,
    pub is_primary: bool,
    pub sms_mode: &'static str,
    pub deleted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct FakeUser {
    pub id: Uuid,
    pub full_name: String,
    pub extension: String,
    pub email: String,
    pub role: &'static str,
}

#[derive(Debug, Clone)]
pub struct FakeCall {
    pub id: Uuid,
    /// The call's journal request id (24 hex).
    pub journal_id: String,
    pub voicemail_id: Uuid,
    pub at: DateTime<Utc>,
    pub direction: Direction,
    /// `None` while the call is still in progress (then `duration` is null too).
    pub outcome: Option<CallOutcome>,
    pub duration_ms: Option<u64>,
    pub business_number: String,
    pub client_phone: String,
    /// Index into the account's team.
    pub agent: usize,
    pub recorded: bool,
    pub read: bool,
}

#[derive(Debug, Clone)]
pub struct FakeMessage {
    pub journal_id: String,
    /// The id `/messages/send` answered for a message sent through the API; nil (as in the
    /// Swagger's examples) for the others.
    pub request_guid: Uuid,
    pub at: DateTime<Utc>,
    pub direction: Direction,
    pub business_number: String,
    pub client_phone: String,
    pub text: String,
    pub sent: bool,
    pub with_attachment: bool,
}

#[derive(Debug, Clone)]
pub struct FakeContact {
    pub contact_id: String,
    pub etag: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    pub deleted: bool,
}

#[derive(Debug, Clone)]
pub struct FakeAccount {
    pub api_key: String,
    pub user_key: String,
    pub phone_numbers: Vec<FakePhoneNumber>,
    pub team: Vec<FakeUser>,
    pub calls: Vec<FakeCall>,
    pub messages: Vec<FakeMessage>,
    pub contacts: Vec<FakeContact>,
}

const FIRST: [&str; 8] = ["Ava", "Ben", "Chloe", "Dan", "Eve", "Finn", "Gia", "Hugo"];
const LAST: [&str; 6] = ["Smith", "Lopez", "Okafor", "Novak", "Kim", "Rossi"];
const SMS: [&str; 4] = [
    "Can you call me back?",
    "Thanks, see you Monday",
    "Is the order ready?",
    "STOP",
];

pub(crate) struct Generator {
    rng: StdRng,
}

impl Generator {
    pub(crate) fn new(seed: u64, account: usize) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(account as u64)),
        }
    }

    pub(crate) fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.rng.random_range(0..16)]))
            .collect()
    }

    pub(crate) fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.random()).into_uuid()
    }

    fn phone(&mut self) -> String {
        format!(
            "+1{}555{:04}",
            self.rng.random_range(201..990),
            self.rng.random_range(100..10_000)
        )
    }

    fn between(&mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> DateTime<Utc> {
        let span = (end - start).num_milliseconds().max(1);
        start + TimeDelta::milliseconds(self.rng.random_range(0..span))
    }

    fn name(&mut self) -> (String, String) {
        let first = FIRST[self.rng.random_range(0..FIRST.len())];
        let last = LAST[self.rng.random_range(0..LAST.len())];
        (first.to_owned(), last.to_owned())
    }

    pub(crate) fn account(&mut self, config: &FakeConfig) -> FakeAccount {
        let api_key = format!("mc-{}", self.hex(32));
        let user_key = self.hex(20);
        let end = config.anchor;
        let start = end - TimeDelta::days(i64::from(config.days.max(1)));
        let mut phone_numbers: Vec<FakePhoneNumber> = (0..config.phone_numbers.max(1))
            .map(|i| FakePhoneNumber {
                number: self.phone(),
                object_guid: self.uuid(),
                label: (i % 2 == 0).then(|| format!("Line {}", i + 1)),
                is_primary: i == 0,
                sms_mode: ["Enabled", "Capable", "Disabled"][i % 3],
                deleted_at: None,
            })
            .collect();
        // As seen in real responses: a number released and bought back is both active and deleted,
        // with different objectGuids.
        let reused = FakePhoneNumber {
            object_guid: self.uuid(),
            deleted_at: Some(self.between(start, end)),
            ..phone_numbers[0].clone()
        };
        phone_numbers.push(reused);
        let released = FakePhoneNumber {
            number: self.phone(),
            object_guid: self.uuid(),
            deleted_at: Some(self.between(start, end)),
            ..phone_numbers[1 % phone_numbers.len()].clone()
        };
        phone_numbers.push(released);

        let team = (0..4)
            .map(|i| {
                let (first, last) = self.name();
                FakeUser {
                    id: self.uuid(),
                    email: format!(
                        "{}.{}{i}@example.test",
                        first.to_lowercase(),
                        last.to_lowercase()
                    ),
                    full_name: format!("{first} {last}"),
                    extension: format!("{}", 100 + i),
                    role: if i == 0 { "admin" } else { "agent" },
                }
            })
            .collect();
        let active: Vec<String> = phone_numbers
            .iter()
            .filter(|p| p.deleted_at.is_none())
            .map(|p| p.number.clone())
            .collect();
        let calls: Vec<FakeCall> = (0..config.calls)
            .map(|_| {
                let at = self.between(start, end);
                self.call(at, &active)
            })
            .collect();
        let messages = (0..config.messages)
            .map(|_| FakeMessage {
                journal_id: self.hex(24),
                request_guid: Uuid::nil(),
                at: self.between(start, end),
                direction: if self.rng.random_bool(0.5) {
                    Direction::Incoming
                } else {
                    Direction::Outgoing
                },
                business_number: active[self.rng.random_range(0..active.len())].clone(),
                client_phone: self.phone(),
                text: SMS[self.rng.random_range(0..SMS.len())].to_owned(),
                sent: self.rng.random_bool(0.9),
                with_attachment: self.rng.random_bool(0.2),
            })
            .collect();
        let contacts = (0..config.contacts)
            .map(|i| {
                let (first_name, last_name) = self.name();
                let created = self.between(start - TimeDelta::days(30), start);
                let updated = if i % 3 == 0 {
                    self.between(start, end)
                } else {
                    created
                };
                FakeContact {
                    contact_id: self.hex(24),
                    etag: self.hex(16),
                    email: (i % 2 == 0)
                        .then(|| format!("{}{i}@example.test", first_name.to_lowercase())),
                    first_name,
                    last_name,
                    phone: self.phone(),
                    created,
                    updated,
                    deleted: i % 7 == 3,
                }
            })
            .collect();
        let mut calls = calls;
        calls.sort_by(newest_first);
        FakeAccount {
            api_key,
            user_key,
            phone_numbers,
            team,
            calls,
            messages,
            contacts,
        }
    }

    /// A finished call with a realistic mix of direction, outcome, duration and recording.
    pub(crate) fn call(&mut self, at: DateTime<Utc>, business_numbers: &[String]) -> FakeCall {
        let direction = if self.rng.random_bool(0.6) {
            Direction::Incoming
        } else {
            Direction::Outgoing
        };
        let roll = self.rng.random_range(0..100);
        let outcome = match (direction, roll) {
            (_, 0..60) => CallOutcome::Connected,
            (Direction::Incoming, 60..80) => CallOutcome::Missed,
            (Direction::Incoming, 80..92) => CallOutcome::VoiceMail,
            (Direction::Outgoing, 60..85) => CallOutcome::Missed,
            _ => CallOutcome::Dropped,
        };
        let duration_ms = match outcome {
            CallOutcome::Connected => self.rng.random_range(5_000..1_800_000),
            CallOutcome::VoiceMail => self.rng.random_range(8_000..120_000),
            CallOutcome::Missed | CallOutcome::Dropped => self.rng.random_range(0..30_000),
        };
        FakeCall {
            id: self.uuid(),
            journal_id: self.hex(24),
            voicemail_id: self.uuid(),
            at,
            direction,
            outcome: Some(outcome),
            duration_ms: Some(duration_ms),
            business_number: business_numbers
                .get(self.rng.random_range(0..business_numbers.len().max(1)))
                .cloned()
                .unwrap_or_default(),
            client_phone: self.phone(),
            agent: self.rng.random_range(0..4),
            recorded: matches!(outcome, CallOutcome::Connected | CallOutcome::VoiceMail)
                && self.rng.random_bool(0.7),
            read: self.rng.random_bool(0.5),
        }
    }
}

/// A call that has just arrived: no status, no duration yet.
pub(crate) fn fresh(mut call: FakeCall) -> FakeCall {
    call.outcome = None;
    call.duration_ms = None;
    call.recorded = false;
    call
}

pub(crate) fn generate(config: &FakeConfig) -> Vec<FakeAccount> {
    (0..config.accounts.max(1))
        .map(|i| Generator::new(config.seed, i).account(config))
        .collect()
}

/// The order `/calls` and `/voicemails` page in (MightyCall does not document one). Accounts keep
/// their calls in this order so a page request does not sort the whole account again.
pub(crate) fn newest_first(a: &FakeCall, b: &FakeCall) -> std::cmp::Ordering {
    b.at.cmp(&a.at).then(a.id.cmp(&b.id))
}
