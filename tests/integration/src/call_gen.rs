//! A seeded call centre for the KPI tests (issue 11, `notes/kpis.md`): calls of one org around New
//! York's two DST changes with their webhook timelines, inserted straight into `calls` and
//! `webhook_events`, and every KPI of the contract computed naively from the same data in plain
//! Rust loops (no SQL), per local day, agent, business number, local weekday×hour and range.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Timelike, Utc};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};
use tokio_postgres::Client;
use uuid::Uuid;

/// The autumn span: New York's 25-hour 2026-11-01 in the middle.
pub const FALL: (&str, &str) = ("2026-10-25", "2026-11-07");
/// The spring span: New York's 23-hour 2026-03-08 in the middle.
pub const SPRING: (&str, &str) = ("2026-03-02", "2026-03-14");

/// Agents and the names their calls carry; 104 never has a name.
pub const AGENTS: &[(&str, Option<&str>)] = &[
    ("101", Some("Ann Smith")),
    ("102", Some("Bob Jones")),
    ("103", Some("Chen Li")),
    ("104", None),
];
const NUMBERS: &[&str] = &["+12125550100", "+12125550101", "+13125550102"];
const CALLER_NAMES: &[&str] = &["Hannah Moss", "Ivo Petrov", "Joanna Kerr", "Luis Ortega"];

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub external_id: String,
    pub started_at: DateTime<Utc>,
    pub direction: &'static str,
    pub status: Option<&'static str>,
    pub duration_ms: Option<i64>,
    pub business_number: Option<String>,
    pub caller_number: Option<String>,
    pub caller_name: Option<String>,
    pub caller_extension: Option<String>,
    pub called_number: Option<String>,
    pub called_name: Option<String>,
    pub agent_extension: Option<String>,
}

impl Call {
    /// A bare call: tests fill in what they need.
    pub fn new(id: &str, started_at: DateTime<Utc>, direction: &'static str) -> Self {
        Self {
            external_id: id.to_owned(),
            started_at,
            direction,
            status: None,
            duration_ms: None,
            business_number: None,
            caller_number: None,
            caller_name: None,
            caller_extension: None,
            called_number: None,
            called_name: None,
            agent_extension: None,
        }
    }

    /// Whether `q` matches as the API's search does: case-insensitively, anywhere in a number, name
    /// or extension.
    pub fn matches(&self, q: &str) -> bool {
        let q = q.to_lowercase();
        [
            &self.caller_number,
            &self.called_number,
            &self.caller_name,
            &self.called_name,
            &self.caller_extension,
            &self.business_number,
            &self.agent_extension,
        ]
        .iter()
        .any(|v| v.as_deref().is_some_and(|v| v.to_lowercase().contains(&q)))
    }
}

#[derive(Clone, Debug)]
pub struct Event {
    pub guid: String,
    pub event_type: &'static str,
    pub call_id: String,
    pub occurred_at: Option<DateTime<Utc>>,
}

/// What [`generate`] made: the calls, and the webhook events stored before and after them.
pub struct Generated {
    pub calls: Vec<Call>,
    pub events_before: Vec<Event>,
    pub events_after: Vec<Event>,
}

impl Generated {
    pub fn events(&self) -> Vec<Event> {
        self.events_before
            .iter()
            .chain(&self.events_after)
            .cloned()
            .collect()
    }
}

pub fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().to_utc()
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Instants right around New York's local midnights and DST switches.
const SPECIAL: &[&str] = &[
    "2026-10-31T03:30:00Z", // 10-30 23:30 EDT
    "2026-11-01T03:59:59Z", // 10-31 23:59:59 EDT
    "2026-11-01T04:00:00Z", // 11-01 00:00 EDT
    "2026-11-01T04:30:00Z", // 00:30 EDT
    "2026-11-01T05:30:00Z", // 01:30 EDT
    "2026-11-01T05:59:59Z", // 01:59:59 EDT
    "2026-11-01T06:00:00Z", // 01:00 EST, the repeated hour
    "2026-11-01T06:30:00Z", // 01:30 EST
    "2026-11-01T07:00:00Z", // 02:00 EST
    "2026-11-02T04:30:00Z", // 11-01 23:30 EST
    "2026-11-02T04:59:59Z", // 11-01 23:59:59 EST
    "2026-11-02T05:00:00Z", // 11-02 00:00 EST
    "2026-03-08T04:59:59Z", // 03-07 23:59:59 EST
    "2026-03-08T05:00:00Z", // 03-08 00:00 EST
    "2026-03-08T05:30:00Z", // 00:30 EST
    "2026-03-08T06:59:59Z", // 01:59:59 EST
    "2026-03-08T07:00:00Z", // 03:00 EDT, 02:xx never happens
    "2026-03-08T07:30:00Z", // 03:30 EDT
    "2026-03-09T03:30:00Z", // 03-08 23:30 EDT
    "2026-03-09T03:59:59Z", // 03-08 23:59:59 EDT
    "2026-03-09T04:00:00Z", // 03-09 00:00 EDT
];

/// Waits (ms) on both sides of the default and changed thresholds (5 s / 10 s short abandon,
/// 20 s / 30 s SLA).
const EDGE_WAITS: &[i64] = &[
    0, 4_999, 5_000, 5_001, 9_999, 10_000, 10_001, 19_999, 20_000, 20_001, 29_999, 30_000, 30_001,
];

struct Gen {
    rng: StdRng,
    calls: Vec<Call>,
    before: Vec<Event>,
    after: Vec<Event>,
    pool: Vec<String>,
}

impl Gen {
    fn id(&self) -> String {
        format!("call-{:05}", self.calls.len())
    }

    fn pick<T: Clone>(&mut self, from: &[T]) -> T {
        from[self.rng.random_range(0..from.len())].clone()
    }

    fn maybe<T>(&mut self, p: f64, v: T) -> Option<T> {
        self.rng.random_bool(p).then_some(v)
    }

    fn agent(&mut self) -> (Option<String>, Option<String>) {
        if self.rng.random_bool(0.15) {
            return (None, None);
        }
        let (ext, name) = self.pick(AGENTS);
        let name = name.and_then(|n| self.maybe(0.8, n.to_owned()));
        (Some(ext.to_owned()), name)
    }

    fn duration(&mut self) -> Option<i64> {
        match self.rng.random_range(0..10) {
            0 => None,
            1..=3 => Some(self.rng.random_range(0..12_000)),
            _ => Some(self.rng.random_range(0..900_000)),
        }
    }

    /// An inbound call from `caller` (a pool number unless given) with a random outcome.
    fn inbound(&mut self, at: DateTime<Utc>, caller: Option<String>, status: Option<&'static str>) {
        let status = status.or_else(|| {
            self.pick(&[
                Some("connected"),
                Some("connected"),
                Some("connected"),
                Some("connected"),
                Some("missed"),
                Some("missed"),
                Some("dropped"),
                Some("dropped"),
                Some("voicemail"),
                Some("unknown"),
                None,
            ])
        });
        let caller = match caller {
            Some(c) => Some(c),
            None => {
                let n = self.pick(&self.pool.clone());
                self.maybe(0.95, n)
            }
        };
        let (agent, name) = self.agent();
        let number = self.pick(NUMBERS);
        let caller_name = self.pick(CALLER_NAMES);
        let caller_name = self.maybe(0.7, caller_name.to_owned());
        let mut call = Call::new(&self.id(), at, "incoming");
        call.status = status;
        call.duration_ms = self.duration();
        call.business_number = self.maybe(0.9, number.to_owned());
        call.called_number = call.business_number.clone();
        call.caller_number = caller;
        call.caller_name = caller_name;
        call.agent_extension = agent;
        call.called_name = name;
        self.timeline(&call);
        self.calls.push(call);
    }

    /// An outbound call by an agent to `to` (a pool number unless given).
    fn outbound(&mut self, at: DateTime<Utc>, to: Option<String>) {
        let to = match to {
            Some(t) => t,
            None => self.pick(&self.pool.clone()),
        };
        let (agent, name) = self.agent();
        let number = self.pick(NUMBERS);
        let status = self.pick(&[Some("connected"), Some("connected"), Some("missed"), None]);
        let mut call = Call::new(&self.id(), at, "outgoing");
        call.status = status;
        call.duration_ms = self.duration();
        call.business_number = self.maybe(0.9, number.to_owned());
        call.caller_number = call.business_number.clone();
        call.called_number = Some(to);
        call.caller_extension = agent.clone();
        call.caller_name = name;
        call.agent_extension = agent;
        self.calls.push(call);
    }

    fn random_call(&mut self, at: DateTime<Utc>) {
        match self.rng.random_range(0..20) {
            0 => {
                let mut call = Call::new(&self.id(), at, "unknown");
                call.status = self.pick(&[Some("unknown"), Some("connected"), None]);
                call.duration_ms = self.duration();
                self.calls.push(call);
            }
            1..=6 => self.outbound(at, None),
            _ => self.inbound(at, None, None),
        }
    }

    fn wait(&mut self) -> i64 {
        match self.rng.random_range(0..20) {
            0..=5 => self.pick(EDGE_WAITS),
            6..=14 => self.rng.random_range(0..25_000),
            _ => self.rng.random_range(0..60_000),
        }
    }

    /// Most inbound calls get a webhook timeline, some with gaps, duplicates and noise; its events
    /// are stored before the call, after it, or split.
    fn timeline(&mut self, call: &Call) {
        if self.rng.random_bool(0.1) {
            return;
        }
        let offered = call.started_at + TimeDelta::milliseconds(self.rng.random_range(0..1_500));
        let ms = TimeDelta::milliseconds;
        let mut events: Vec<(&'static str, Option<DateTime<Utc>>)> = Vec::new();
        if !self.rng.random_bool(0.08) {
            events.push(("IncomingCall", Some(offered)));
        }
        let mut end = offered + ms(self.wait());
        match call.status {
            Some("connected") => {
                // A few answered "before" they were offered: the wait is unknown, not negative.
                let wait = if self.rng.random_bool(0.03) {
                    -self.rng.random_range(1..3_000)
                } else {
                    self.wait()
                };
                let connected = offered + ms(wait);
                events.push(("IncomingCallConnected", Some(connected)));
                end = connected + ms(call.duration_ms.unwrap_or(0));
                events.push(("IncomingCallCompleted", Some(end)));
            }
            None => {
                if self.rng.random_bool(0.5) {
                    events.push(("IncomingCallConnected", Some(end)));
                }
            }
            _ => {
                if self.rng.random_bool(0.03) {
                    end = offered - ms(1_000);
                }
                events.push(("IncomingCallCompleted", Some(end)));
            }
        }
        // A second offer after the first, a second completion before the last, a ringing event
        // and an event without a time: none may change the wait.
        if self.rng.random_bool(0.06) {
            events.push(("IncomingCall", Some(offered + ms(2_500))));
        }
        if self.rng.random_bool(0.06) && call.status.is_some() {
            events.push(("IncomingCallCompleted", Some(end - ms(700))));
        }
        if self.rng.random_bool(0.03) {
            events.push(("IncomingCallRinging", Some(offered - ms(5_000))));
        }
        if self.rng.random_bool(0.02) {
            events.push(("IncomingCall", None));
        }
        let mut stored: Vec<Event> = events
            .into_iter()
            .enumerate()
            .map(|(i, (event_type, occurred_at))| Event {
                guid: format!("{}-ev-{i}", call.external_id),
                event_type,
                call_id: call.external_id.clone(),
                occurred_at,
            })
            .collect();
        // A redelivery of the same event.
        if self.rng.random_bool(0.04)
            && let Some(first) = stored.first().cloned()
        {
            stored.push(first);
        }
        for event in stored {
            let before = match self.rng.random_range(0..5) {
                0 | 1 => true,
                2 | 3 => false,
                _ => self.rng.random_bool(0.5),
            };
            if before {
                self.before.push(event);
            } else {
                self.after.push(event);
            }
        }
    }
}

/// New York's local time `hms` on `day` (unambiguous times only).
fn new_york(day: NaiveDate, seconds: i64) -> DateTime<Utc> {
    use chrono::TimeZone;
    let local = day.and_hms_opt(0, 0, 0).unwrap() + TimeDelta::seconds(seconds);
    chrono_tz::America::New_York
        .from_local_datetime(&local)
        .earliest()
        .unwrap()
        .to_utc()
}

/// At least 1,000 calls (the same ones for the same seed) over [`FALL`] and [`SPRING`] and a day
/// or two beyond each end.
pub fn generate(seed: u64) -> Generated {
    let mut g = Gen {
        rng: StdRng::seed_from_u64(seed),
        calls: Vec::new(),
        before: Vec::new(),
        after: Vec::new(),
        // A small pool, so callers call again within a day and later.
        pool: (0..40).map(|i| format!("+1555010{i:04}")).collect(),
    };
    for ((start, end), per_day) in [(FALL, 55), (SPRING, 32)] {
        let (start, end) = (date(start), date(end));
        let from = new_york(start - TimeDelta::days(1), 0);
        let to = new_york(end + TimeDelta::days(3), 0);
        let seconds = (to - from).num_seconds();
        let days = (end - start).num_days() + 4;
        for _ in 0..days * per_day {
            let at = from + TimeDelta::seconds(g.rng.random_range(0..seconds));
            g.random_call(at);
        }
    }
    for at in SPECIAL {
        for _ in 0..3 {
            g.random_call(utc(at));
        }
    }
    // Callbacks to missed callers after 0 s (none), minutes, the 1-hour edge, hours, days and the
    // 7-day edge; each pair on its own number so nothing else interferes.
    let callback_after = [
        0, 90, 1_800, 3_599, 3_600, 3_601, 18_000, 172_800, 604_800, 604_801, 777_600,
    ];
    let statuses = ["missed", "dropped", "voicemail"];
    for (i, after) in callback_after.iter().enumerate() {
        for (j, status) in statuses.iter().enumerate() {
            let number = format!("+1555020{i:02}{j:02}");
            let at = new_york(date("2026-10-27"), (i * 7_919 + j * 40_000) as i64);
            g.inbound(at, Some(number.clone()), Some(status));
            g.outbound(at + TimeDelta::seconds(*after), Some(number));
        }
    }
    // Callers calling again at the same instant (not a repeat), within and at 24 h, and just after.
    for (i, after) in [0, 600, 86_340, 86_400, 86_401, 259_200].iter().enumerate() {
        let number = format!("+15550300{i:03}");
        let at = new_york(date("2026-11-05"), 50_000 + i as i64 * 3_000);
        g.inbound(at, Some(number.clone()), None);
        g.inbound(at + TimeDelta::seconds(*after), Some(number), None);
    }
    // Webhooks of calls never synced.
    g.after.push(Event {
        guid: "orphan-1".into(),
        event_type: "IncomingCall",
        call_id: "call-99999".into(),
        occurred_at: Some(utc("2026-11-01T05:00:00Z")),
    });
    g.before.shuffle(&mut g.rng);
    g.after.shuffle(&mut g.rng);
    Generated {
        calls: g.calls,
        events_before: g.before,
        events_after: g.after,
    }
}

/// Stores `g` in `org`: some webhooks, then the calls in two synced batches, then the rest of the
/// webhooks, each in a few statements.
pub async fn insert(admin: &Client, org: Uuid, g: &Generated) {
    for chunk in g.events_before.chunks(400) {
        insert_events(admin, org, chunk).await;
    }
    let half = g.calls.len() / 2;
    upsert_calls(admin, org, &g.calls[..half]).await;
    upsert_calls(admin, org, &g.calls[half..]).await;
    for chunk in g.events_after.chunks(400) {
        insert_events(admin, org, chunk).await;
    }
}

/// Stores webhook events as the receiver does (a redelivered Guid is skipped).
pub async fn insert_events(admin: &Client, org: Uuid, events: &[Event]) {
    let guids: Vec<&str> = events.iter().map(|e| e.guid.as_str()).collect();
    let types: Vec<&str> = events.iter().map(|e| e.event_type).collect();
    let calls: Vec<&str> = events.iter().map(|e| e.call_id.as_str()).collect();
    let times: Vec<Option<DateTime<Utc>>> = events.iter().map(|e| e.occurred_at).collect();
    admin
        .execute(
            "insert into webhook_events (org_id, event_guid, event_type, call_id, occurred_at, payload)
             select $1, g, t, c, o, jsonb_build_object('EventType', t, 'Body', jsonb_build_object('Id', c))
             from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[]) u (g, t, c, o)
             on conflict (org_id, provider, event_guid) do nothing",
            &[&org, &guids, &types, &calls, &times],
        )
        .await
        .unwrap();
}

/// Inserts or updates calls in one statement, as the sync engine's batch does.
pub async fn upsert_calls(admin: &Client, org: Uuid, calls: &[Call]) {
    let text =
        |f: fn(&Call) -> Option<&str>| -> Vec<Option<&str>> { calls.iter().map(f).collect() };
    let ids = text(|c| Some(&c.external_id));
    let started: Vec<DateTime<Utc>> = calls.iter().map(|c| c.started_at).collect();
    let directions = text(|c| Some(c.direction));
    let statuses = text(|c| c.status);
    let durations: Vec<Option<i64>> = calls.iter().map(|c| c.duration_ms).collect();
    let business = text(|c| c.business_number.as_deref());
    let caller = text(|c| c.caller_number.as_deref());
    let caller_name = text(|c| c.caller_name.as_deref());
    let caller_ext = text(|c| c.caller_extension.as_deref());
    let called = text(|c| c.called_number.as_deref());
    let called_name = text(|c| c.called_name.as_deref());
    let agent = text(|c| c.agent_extension.as_deref());
    admin
        .execute(
            "insert into calls as t (org_id, external_id, started_at, direction, status, duration_ms,
                    business_number, caller_number, caller_name, caller_extension, called_number,
                    called_name, agent_extension)
             select $1, u.* from unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::bigint[],
                    $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) u
             on conflict (org_id, external_id) do update set
               started_at = excluded.started_at, direction = excluded.direction, status = excluded.status,
               duration_ms = excluded.duration_ms, business_number = excluded.business_number,
               caller_number = excluded.caller_number, caller_name = excluded.caller_name,
               caller_extension = excluded.caller_extension, called_number = excluded.called_number,
               called_name = excluded.called_name, agent_extension = excluded.agent_extension,
               synced_at = now()",
            &[
                &org,
                &ids,
                &started,
                &directions,
                &statuses,
                &durations,
                &business,
                &caller,
                &caller_name,
                &caller_ext,
                &called,
                &called_name,
                &agent,
            ],
        )
        .await
        .unwrap();
}

/// An org's terms (the `organizations` columns of V13).
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub tz: Tz,
    pub sla_target_seconds: i64,
    pub short_abandon_seconds: i64,
    pub sla_target_percent: i64,
}

impl Settings {
    pub fn new_york() -> Self {
        Self {
            tz: chrono_tz::America::New_York,
            sla_target_seconds: 20,
            short_abandon_seconds: 5,
            sla_target_percent: 80,
        }
    }

    /// Writes them to `org` through the admin connection.
    pub async fn store(&self, admin: &Client, org: Uuid) {
        admin
            .execute(
                "update organizations set time_zone = $2, sla_target_seconds = $3::bigint::int,
                   short_abandon_seconds = $4::bigint::int, sla_target_percent = $5::bigint::smallint
                 where id = $1",
                &[
                    &org,
                    &self.tz.name(),
                    &self.sla_target_seconds,
                    &self.short_abandon_seconds,
                    &self.sla_target_percent,
                ],
            )
            .await
            .unwrap();
    }
}

/// The wait columns the contract derives from a call's webhooks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Waits {
    pub to_answer_ms: Option<i64>,
    pub to_end_ms: Option<i64>,
}

/// Each call id's waits: first offer to first answer, first offer to last completion.
pub fn waits(events: &[Event]) -> HashMap<String, Waits> {
    type Times = (
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let mut times: HashMap<&str, Times> = HashMap::new();
    for e in events {
        let Some(at) = e.occurred_at else { continue };
        let t = times.entry(&e.call_id).or_default();
        match e.event_type {
            "IncomingCall" => t.0 = Some(t.0.map_or(at, |o| o.min(at))),
            "IncomingCallConnected" => t.1 = Some(t.1.map_or(at, |c| c.min(at))),
            "IncomingCallCompleted" => t.2 = Some(t.2.map_or(at, |e| e.max(at))),
            _ => {}
        }
    }
    let span = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
        let ms = (to? - from?).num_milliseconds();
        (ms >= 0).then_some(ms)
    };
    times
        .into_iter()
        .map(|(id, (offered, connected, ended))| {
            let w = Waits {
                to_answer_ms: span(offered, connected),
                to_end_ms: span(offered, ended),
            };
            (id.to_owned(), w)
        })
        .collect()
}

/// Each extension's name: the last non-null name its calls carry, in `calls`' order.
pub fn agent_names(calls: &[Call]) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for c in calls {
        let (ext, name) = match c.direction {
            "incoming" => (&c.agent_extension, &c.called_name),
            "outgoing" => (&c.caller_extension, &c.caller_name),
            _ => continue,
        };
        if let (Some(ext), Some(name)) = (ext, name) {
            names.insert(ext.clone(), name.clone());
        }
    }
    names
}

/// One call classified in the org's terms.
struct Facts<'a> {
    call: &'a Call,
    day: NaiveDate,
    weekday: u32,
    hour: u32,
    inbound: bool,
    unanswered: bool,
    short_abandoned: bool,
    /// The wait of a measured call.
    measured: Option<i64>,
    measured_short: bool,
    in_sla: bool,
    /// Inbound, connected, wait known: what the average speed of answer averages.
    answer_wait: Option<i64>,
    repeat: bool,
    /// Inbound missed/dropped/voicemail with a caller number.
    callback_due: bool,
    callback_ms: Option<i64>,
}

/// The contract's figures over `members` (the org's calls, or what a filter or an agent's scope
/// leaves of them, any date). Repeat callers and callbacks look for the later call among `linked`
/// (the org's calls): the contract lets it lie outside the group, and filters and scopes choose
/// the group's calls.
pub struct Naive<'a> {
    facts: Vec<Facts<'a>>,
    settings: Settings,
    names: BTreeMap<String, String>,
}

impl<'a> Naive<'a> {
    pub fn new(
        members: &[&'a Call],
        linked: &[&Call],
        waits: &HashMap<String, Waits>,
        settings: Settings,
        names: BTreeMap<String, String>,
    ) -> Self {
        let s = settings;
        let mut facts = Vec::new();
        for &c in members {
            let local = c.started_at.with_timezone(&s.tz);
            let w = waits.get(&c.external_id).copied().unwrap_or_default();
            let inbound = c.direction == "incoming";
            let connected = c.status == Some("connected");
            let unanswered = inbound && matches!(c.status, Some("missed" | "dropped"));
            let end_or_duration = w.to_end_ms.or(c.duration_ms);
            let short_abandoned =
                unanswered && end_or_duration.is_some_and(|t| t <= s.short_abandon_seconds * 1000);
            let measured = if inbound && connected {
                w.to_answer_ms
            } else if unanswered {
                w.to_end_ms
            } else {
                None
            };
            let measured_short = unanswered
                && w.to_end_ms
                    .is_some_and(|t| t <= s.short_abandon_seconds * 1000);
            let answer_wait = if inbound && connected {
                w.to_answer_ms
            } else {
                None
            };
            let in_sla = answer_wait.is_some_and(|t| t <= s.sla_target_seconds * 1000);
            let mut repeat = false;
            let mut callback_ms: Option<i64> = None;
            let callback_due = inbound
                && matches!(c.status, Some("missed" | "dropped" | "voicemail"))
                && c.caller_number.is_some();
            if inbound && let Some(number) = &c.caller_number {
                for &o in linked {
                    let after = o.started_at - c.started_at;
                    if after <= TimeDelta::zero() {
                        continue;
                    }
                    if o.direction == "incoming"
                        && o.caller_number.as_ref() == Some(number)
                        && after <= TimeDelta::hours(24)
                    {
                        repeat = true;
                    }
                    if callback_due
                        && o.direction == "outgoing"
                        && o.called_number.as_ref() == Some(number)
                        && after <= TimeDelta::days(7)
                    {
                        let ms = after.num_milliseconds();
                        callback_ms = Some(callback_ms.map_or(ms, |m| m.min(ms)));
                    }
                }
            }
            facts.push(Facts {
                call: c,
                day: local.date_naive(),
                weekday: local.weekday().number_from_monday(),
                hour: local.hour(),
                inbound,
                unanswered,
                short_abandoned,
                measured,
                measured_short,
                in_sla,
                answer_wait,
                repeat,
                callback_due,
                callback_ms,
            });
        }
        Self {
            facts,
            settings,
            names,
        }
    }

    fn in_range(&self, start: NaiveDate, end: NaiveDate) -> impl Iterator<Item = &Facts<'a>> {
        self.facts
            .iter()
            .filter(move |f| f.day >= start && f.day <= end)
    }

    /// The `daily` report (and the dashboard's series): every local day from `start` to `end`.
    pub fn daily(&self, start: &str, end: &str) -> Vec<Value> {
        let (start, end) = (date(start), date(end));
        let mut rows = Vec::new();
        let mut day = start;
        while day <= end {
            let members: Vec<&Facts> = self.in_range(day, day).collect();
            rows.push(self.row(json!({"day": day.to_string()}), &members));
            day = day.succ_opt().unwrap();
        }
        rows
    }

    /// The `agents` report: one row per agent extension with calls (none first), with its name.
    pub fn agents(&self, start: &str, end: &str) -> Vec<Value> {
        self.grouped(start, end, |c| c.agent_extension.clone())
            .into_iter()
            .map(|(key, members)| {
                let name = key.as_ref().and_then(|k| self.names.get(k));
                self.row(
                    json!({"agent_extension": key, "agent_name": name}),
                    &members,
                )
            })
            .collect()
    }

    /// The `numbers` report: one row per business number with calls (none first).
    pub fn numbers(&self, start: &str, end: &str) -> Vec<Value> {
        self.grouped(start, end, |c| c.business_number.clone())
            .into_iter()
            .map(|(key, members)| self.row(json!({"business_number": key}), &members))
            .collect()
    }

    fn grouped(
        &self,
        start: &str,
        end: &str,
        key: fn(&Call) -> Option<String>,
    ) -> BTreeMap<Option<String>, Vec<&Facts<'a>>> {
        let mut groups: BTreeMap<Option<String>, Vec<&Facts>> = BTreeMap::new();
        for f in self.in_range(date(start), date(end)) {
            groups.entry(key(f.call)).or_default().push(f);
        }
        groups
    }

    /// The `hourly` report: all 168 local (ISO weekday, hour) cells.
    pub fn hourly(&self, start: &str, end: &str) -> Vec<Value> {
        let mut rows = Vec::new();
        for weekday in 1..=7 {
            for hour in 0..24 {
                let members: Vec<&Facts> = self
                    .in_range(date(start), date(end))
                    .filter(|f| f.weekday == weekday && f.hour == hour)
                    .collect();
                rows.push(self.row(json!({"weekday": weekday, "hour": hour}), &members));
            }
        }
        rows
    }

    /// The whole range as one group (the dashboard's totals).
    pub fn totals(&self, start: &str, end: &str) -> Value {
        let members: Vec<&Facts> = self.in_range(date(start), date(end)).collect();
        self.row(json!({}), &members)
    }

    /// `head`'s fields and every statistic of the contract over `members`.
    fn row(&self, head: Value, members: &[&Facts]) -> Value {
        let s = self.settings;
        let count = |p: &dyn Fn(&Facts) -> bool| members.iter().filter(|f| p(f)).count() as i64;
        let status = |st: &'static str| move |f: &Facts| f.call.status == Some(st);
        let total = members.len() as i64;
        let answered = count(&status("connected"));
        let missed = count(&|f| matches!(f.call.status, Some("missed" | "dropped")));
        let voicemail = count(&status("voicemail"));
        let talk: i64 = members
            .iter()
            .filter(|f| f.call.status == Some("connected"))
            .map(|f| f.call.duration_ms.unwrap_or(0))
            .sum();
        let inbound = count(&|f| f.inbound);
        let outbound = count(&|f| f.call.direction == "outgoing");
        let short = count(&|f| f.short_abandoned);
        let abandoned = count(&|f| f.unanswered && !f.short_abandoned);
        let measured = count(&|f| f.measured.is_some());
        let measured_short = count(&|f| f.measured_short);
        let in_sla = count(&|f| f.in_sla);
        let sla_base = measured - measured_short;
        let answer_waits: Vec<i64> = members.iter().filter_map(|f| f.answer_wait).collect();
        let n = answer_waits.len() as i64;
        let asa = (n > 0).then(|| (2 * answer_waits.iter().sum::<i64>() + n) / (2 * n));
        let longest = members.iter().filter_map(|f| f.measured).max();
        let repeaters: BTreeSet<&str> = members
            .iter()
            .filter(|f| f.inbound && f.repeat)
            .filter_map(|f| f.call.caller_number.as_deref())
            .collect();
        let due = count(&|f| f.callback_due);
        let mut times: Vec<i64> = members.iter().filter_map(|f| f.callback_ms).collect();
        times.sort_unstable();
        let within_hour = times.iter().filter(|t| **t <= 3_600_000).count() as i64;
        let k = times.len();
        let nearest_rank = |numerator: usize| times.get((numerator * k).div_ceil(10).max(1) - 1);
        let rate = |num: i64, den: i64| (den > 0).then(|| num as f64 / den as f64);
        let mut row = match head {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let stats = json!({
            "total": total,
            "answered": answered,
            "missed": missed,
            "voicemail": voicemail,
            "answer_rate": rate(answered, total),
            "talk_time_ms": talk,
            "avg_talk_time_ms": (answered > 0).then(|| (2 * talk + answered) / (2 * answered)),
            "inbound": inbound,
            "outbound": outbound,
            "abandoned": abandoned,
            "short_abandoned": short,
            "abandon_rate": rate(abandoned, inbound - short),
            "measured_calls": measured,
            "service_level": rate(in_sla, sla_base),
            "sla_met": (sla_base > 0).then(|| in_sla * 100 >= s.sla_target_percent * sla_base),
            "avg_speed_of_answer_ms": asa,
            "longest_wait_ms": longest,
            "repeat_callers": repeaters.len(),
            "callbacks": k,
            "callback_within_1h_rate": rate(within_hour, due),
            "callback_p50_ms": (k > 0).then(|| nearest_rank(5)).flatten(),
            "callback_p90_ms": (k > 0).then(|| nearest_rank(9)).flatten(),
        });
        if let Value::Object(stats) = stats {
            row.extend(stats);
        }
        Value::Object(row)
    }
}

/// Differences between the API's rows and the naive ones: every field of the naive row, integers
/// and booleans exactly, fractions within 1e-9. Empty when they agree.
pub fn differences(what: &str, actual: &[Value], expected: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    if actual.len() != expected.len() {
        out.push(format!(
            "{what}: {} rows, expected {}",
            actual.len(),
            expected.len()
        ));
    }
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let Value::Object(fields) = e else { continue };
        for (field, want) in fields {
            let got = &a[field];
            let same = match (want, got) {
                (Value::Number(w), Value::Number(g)) if w.is_f64() => g
                    .as_f64()
                    .zip(w.as_f64())
                    .is_some_and(|(g, w)| (g - w).abs() <= 1e-9),
                (Value::Number(w), Value::Number(g)) => w.as_i64() == g.as_i64(),
                _ => want == got,
            };
            if !same {
                let group: Vec<String> = [
                    "day",
                    "agent_extension",
                    "business_number",
                    "weekday",
                    "hour",
                ]
                .iter()
                .filter(|k| fields.contains_key(**k))
                .map(|k| format!("{k}={}", e[*k]))
                .collect();
                out.push(format!(
                    "{what} row {i} [{}] {field}: expected {want}, got {got}",
                    group.join(" ")
                ));
            }
        }
    }
    out
}

/// Fails with every difference (the first 40) when the API's rows are not the naive ones.
pub fn assert_rows(what: &str, actual: &[Value], expected: &[Value]) {
    let diffs = differences(what, actual, expected);
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
