//! Live status (issue 12): webhooks posted to the `trigger` function's route move each extension
//! between ringing, on a call and available; older and repeated events never move it back; silence
//! makes it unknown after the org's limit; no member of another org reads it, by the code's checks
//! or by RLS alone; a scoped agent sees their own extension only.

use std::collections::BTreeMap;

use axum::Router;
use axum::http::Method;
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::{AgentState, OrgId};
use integration_tests::World;
use mightycall_fake::FakeConfig;
use serde_json::{Value, json};
use store::live_status;
use store::reports::CallView;
use test_harness::fixtures::claims_for;
use test_harness::http::{Reply, call};
use uuid::Uuid;

const BUSINESS: &str = "+15550347567";

/// Orgs A and B connected to fake accounts 0 and 1, each with a webhook token, and the function.
struct Live {
    w: World,
    operations: Router,
    tokens: BTreeMap<Uuid, String>,
    /// Whole seconds ten minutes ago: event times are `start + n seconds`.
    start: DateTime<Utc>,
}

/// One call: MightyCall's id and the other party's number.
struct Call {
    id: String,
    party: String,
}

impl Call {
    fn new(party: &str) -> Self {
        Self {
            id: Uuid::new_v4().to_string(),
            party: party.to_owned(),
        }
    }
}

impl Live {
    async fn new() -> Self {
        let w = World::connected(FakeConfig::default()).await;
        let mut tokens = BTreeMap::new();
        for (org, admin) in [(w.t.org_a, w.t.admin_a), (w.t.org_b, w.t.admin_b)] {
            let path = format!("/api/admin/orgs/{org}/integrations/mightycall/webhook-token");
            let reply = w.admin_call(Method::POST, &path, admin, None).await;
            assert_eq!(reply.status, 201, "{:?}", reply.body);
            tokens.insert(
                org,
                reply.body["webhook_token"].as_str().unwrap().to_owned(),
            );
        }
        let operations = w.operations().await;
        let now = Utc::now().duration_trunc(TimeDelta::seconds(1)).unwrap();
        Self {
            w,
            operations,
            tokens,
            start: now - TimeDelta::minutes(10),
        }
    }

    fn at(&self, seconds: i64) -> DateTime<Utc> {
        self.start + TimeDelta::seconds(seconds)
    }

    /// The webhook MightyCall would send to `org` (its account's api key), `seconds` after start.
    fn event(&self, org: Uuid, call: &Call, kind: &str, extension: Option<&str>, at: i64) -> Value {
        let account = usize::from(org == self.w.t.org_b);
        // An inbound call comes from the party to a business number; the others go the other way.
        let (from, to) = if kind.starts_with("Incoming") {
            (call.party.as_str(), BUSINESS)
        } else {
            (BUSINESS, call.party.as_str())
        };
        json!({
            "Body": { "From": from, "To": to, "Id": call.id, "Extension": extension },
            "Guid": Uuid::new_v4().to_string(),
            "ApiKey": self.w.api_key(account),
            "Timestamp": self.at(at).format("%Y-%m-%dT%H:%M:%S%.6f0Z").to_string(),
            "EventType": kind,
        })
    }

    /// Posts `body` to `org`'s webhook route of the trigger function.
    async fn deliver(&self, org: Uuid, body: &Value) -> Reply {
        let path = format!("/api/webhooks/mightycall/{org}/{}", self.tokens[&org]);
        call(
            &self.w.trigger().await,
            Method::POST,
            &path,
            None,
            Some(body),
        )
        .await
    }

    /// Org A receives a new event; it must be accepted.
    async fn post(&self, call: &Call, kind: &str, extension: Option<&str>, at: i64) -> Value {
        let body = self.event(self.w.t.org_a, call, kind, extension, at);
        let reply = self.deliver(self.w.t.org_a, &body).await;
        assert_eq!(reply.status, 202, "{kind}: {:?}", reply.body);
        body
    }

    async fn get(&self, query: &str, user: Uuid) -> Reply {
        self.w
            .call(
                &self.operations,
                Method::GET,
                &format!("/api/live-status{query}"),
                user,
                None,
            )
            .await
    }

    /// Org A's live status as `user` reads it; the counts must add up to the roster.
    async fn status(&self, user: Uuid) -> Value {
        let reply = self.get(&format!("?orgId={}", self.w.t.org_a), user).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let mut counted = BTreeMap::new();
        for agent in reply.body["agents"].as_array().unwrap() {
            *counted
                .entry(agent["state"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
        for state in AgentState::ALL.map(AgentState::as_str) {
            assert_eq!(
                reply.body["counts"][state],
                counted.get(state).copied().unwrap_or(0),
                "{state}: {}",
                reply.body
            );
        }
        reply.body
    }

    async fn sql(&self, sql: &str, params: &[&(dyn tokio_postgres::types::ToSql + Sync)]) {
        self.w.db.admin().await.execute(sql, params).await.unwrap();
    }

    async fn set_extension(&self, user: Uuid, extension: Option<&str>) {
        self.sql(
            "update org_users set mightycall_extension = $2 where user_id = $1",
            &[&user, &extension],
        )
        .await;
    }

    async fn scope_agents(&self) {
        self.sql(
            "update organizations set agents_see_own_calls_only = true where id = $1",
            &[&self.w.t.org_a],
        )
        .await;
    }
}

/// The roster row of `extension`.
fn agent<'a>(status: &'a Value, extension: &str) -> &'a Value {
    status["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["extension"] == extension)
        .unwrap_or_else(|| panic!("{extension} is not on the roster: {status}"))
}

fn extensions(status: &Value) -> Vec<&str> {
    status["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["extension"].as_str().unwrap())
        .collect()
}

fn time(value: &Value) -> Option<DateTime<Utc>> {
    value
        .as_str()
        .map(|text| DateTime::parse_from_rfc3339(text).unwrap().to_utc())
}

/// `extension`'s state and since when.
fn state(status: &Value, extension: &str) -> (String, Option<DateTime<Utc>>) {
    let row = agent(status, extension);
    (
        row["state"].as_str().unwrap().to_owned(),
        time(&row["since"]),
    )
}

#[tokio::test]
async fn an_incoming_call_rings_connects_and_frees_the_extension() {
    let live = Live::new().await;
    let t = &live.w.t;
    live.set_extension(t.agent_a, Some("101")).await;
    let c = Call::new("+16465550101");

    // Offered to the queue: no extension yet. The member's extension is on the roster, never heard of.
    live.post(&c, "IncomingCall", None, 0).await;
    let s = live.status(t.manager_a).await;
    assert_eq!(extensions(&s), ["101"]);
    let row = agent(&s, "101");
    assert_eq!(
        (row["state"].as_str(), &row["since"]),
        (Some("unknown"), &Value::Null)
    );
    assert_eq!(row["member"]["user_id"], t.agent_a.to_string());
    assert_eq!(row["current_call"], Value::Null);

    // Rung at 101 and 102 (a group call); 102 stops ringing, 101 answers.
    live.post(&c, "IncomingCallRinging", Some("101"), 2).await;
    live.post(&c, "IncomingCallRinging", Some("102"), 2).await;
    let s = live.status(t.manager_a).await;
    assert_eq!(state(&s, "101"), ("ringing".into(), Some(live.at(2))));
    assert_eq!(
        agent(&s, "101")["current_call"],
        json!({ "call_id": c.id, "direction": "incoming", "counterpart": c.party, "started_at": null })
    );
    assert_eq!(s["counts"]["ringing"], 2);
    live.post(&c, "IncomingCallStopRinging", Some("102"), 4)
        .await;
    live.post(&c, "IncomingCallConnected", Some("101"), 5).await;
    let s = live.status(t.manager_a).await;
    assert_eq!(state(&s, "101"), ("on_call".into(), Some(live.at(5))));
    assert_eq!(
        time(&agent(&s, "101")["current_call"]["started_at"]),
        Some(live.at(5))
    );
    assert_eq!(state(&s, "102"), ("available".into(), Some(live.at(4))));
    assert_eq!(agent(&s, "102")["member"], Value::Null);
    assert_eq!(
        s["counts"],
        json!({ "ringing": 0, "on_call": 1, "available": 1, "unknown": 0 })
    );

    // The whole call ends (no Extension).
    live.post(&c, "IncomingCallCompleted", None, 65).await;
    let s = live.status(t.manager_a).await;
    assert_eq!(state(&s, "101"), ("available".into(), Some(live.at(65))));
    assert_eq!(agent(&s, "101")["current_call"], Value::Null);
    assert_eq!(time(&agent(&s, "101")["last_event_at"]), Some(live.at(65)));
    assert_eq!(
        s["counts"],
        json!({ "ringing": 0, "on_call": 0, "available": 2, "unknown": 0 })
    );
    assert!(time(&s["as_of"]).unwrap() >= live.at(65));
}

#[tokio::test]
async fn outgoing_and_callback_calls_and_a_transfer_between_extensions() {
    let live = Live::new().await;
    let manager = live.w.t.manager_a;

    // The agent dials out: ringing at the other party, then connected, then the leg ends.
    let out = Call::new("+16465550202");
    live.post(&out, "OutgoingCall", Some("201"), 0).await;
    let s = live.status(manager).await;
    assert_eq!(state(&s, "201"), ("ringing".into(), Some(live.at(0))));
    assert_eq!(agent(&s, "201")["current_call"]["direction"], "outgoing");
    assert_eq!(agent(&s, "201")["current_call"]["counterpart"], out.party);
    live.post(&out, "OutgoingCallConnected", Some("201"), 3)
        .await;
    assert_eq!(
        state(&live.status(manager).await, "201"),
        ("on_call".into(), Some(live.at(3)))
    );
    live.post(&out, "OutgoingCallCompleted", Some("201"), 30)
        .await;
    assert_eq!(
        state(&live.status(manager).await, "201"),
        ("available".into(), Some(live.at(30)))
    );

    // A callback-form call answered by 105, who transfers it to 101 and hangs up.
    let back = Call::new("+16465550303");
    live.post(&back, "CallbackCall", None, 40).await;
    live.post(&back, "CallbackCallRinging", Some("105"), 41)
        .await;
    live.post(&back, "CallbackCallConnected", Some("105"), 43)
        .await;
    let s = live.status(manager).await;
    assert_eq!(state(&s, "105"), ("on_call".into(), Some(live.at(43))));
    assert_eq!(
        agent(&s, "105")["current_call"],
        json!({ "call_id": back.id, "direction": "callback", "counterpart": back.party,
                "started_at": agent(&s, "105")["since"] })
    );
    live.post(&back, "IncomingCallRinging", Some("101"), 50)
        .await;
    live.post(&back, "CallbackCallCompleted", Some("105"), 52)
        .await;
    live.post(&back, "IncomingCallConnected", Some("101"), 53)
        .await;
    let s = live.status(manager).await;
    assert_eq!(state(&s, "105"), ("available".into(), Some(live.at(52))));
    assert_eq!(state(&s, "101"), ("on_call".into(), Some(live.at(53))));
    assert_eq!(
        agent(&s, "101")["current_call"]["call_id"],
        back.id.as_str()
    );
    live.post(&back, "CallbackCallCompleted", None, 90).await;
    let s = live.status(manager).await;
    assert_eq!(state(&s, "101"), ("available".into(), Some(live.at(90))));
    assert_eq!(state(&s, "105"), ("available".into(), Some(live.at(52))));
    assert_eq!(
        s["counts"],
        json!({ "ringing": 0, "on_call": 0, "available": 3, "unknown": 0 })
    );
}

#[tokio::test]
async fn late_and_repeated_events_do_not_move_a_state_back() {
    let live = Live::new().await;
    let manager = live.w.t.manager_a;

    // The whole call's end arrives first; its ring and connect afterwards.
    let first = Call::new("+16465550401");
    live.post(&first, "IncomingCallCompleted", None, 60).await;
    live.post(&first, "IncomingCallConnected", Some("101"), 10)
        .await;
    live.post(&first, "IncomingCallRinging", Some("101"), 5)
        .await;
    assert_eq!(
        state(&live.status(manager).await, "101"),
        ("available".into(), Some(live.at(60)))
    );

    // A leg's own end before its connect.
    let second = Call::new("+16465550402");
    live.post(&second, "OutgoingCallCompleted", Some("102"), 40)
        .await;
    live.post(&second, "OutgoingCallConnected", Some("102"), 20)
        .await;
    live.post(&second, "OutgoingCall", Some("102"), 15).await;
    assert_eq!(
        state(&live.status(manager).await, "102"),
        ("available".into(), Some(live.at(40)))
    );

    // Connected, then its older ring; the same connect again (same Guid: a redelivery) and a copy
    // under a new Guid; the end; then the connect once more.
    let third = Call::new("+16465550403");
    let connected = live
        .post(&third, "IncomingCallConnected", Some("103"), 20)
        .await;
    live.post(&third, "IncomingCallRinging", Some("103"), 12)
        .await;
    let again = live.deliver(live.w.t.org_a, &connected).await;
    assert_eq!(
        (again.status, &again.body["status"]),
        (200, &json!("duplicate"))
    );
    let s = live.status(manager).await;
    assert_eq!(state(&s, "103"), ("on_call".into(), Some(live.at(20))));
    live.post(&third, "IncomingCallConnected", Some("103"), 20)
        .await;
    assert_eq!(
        state(&live.status(manager).await, "103"),
        ("on_call".into(), Some(live.at(20))),
        "a second connect keeps the first's start"
    );
    live.post(&third, "IncomingCallCompleted", Some("103"), 80)
        .await;
    live.post(&third, "IncomingCallConnected", Some("103"), 20)
        .await;
    live.post(&third, "IncomingCallRinging", Some("103"), 70)
        .await;
    let s = live.status(manager).await;
    assert_eq!(state(&s, "103"), ("available".into(), Some(live.at(80))));
    assert_eq!(
        s["counts"],
        json!({ "ringing": 0, "on_call": 0, "available": 3, "unknown": 0 })
    );

    // A connect and an end of the same instant: ended, whichever comes first.
    let fourth = Call::new("+16465550404");
    live.post(&fourth, "IncomingCallCompleted", Some("104"), 100)
        .await;
    live.post(&fourth, "IncomingCallConnected", Some("104"), 100)
        .await;
    assert_eq!(state(&live.status(manager).await, "104").0, "available");
}

#[tokio::test]
async fn silence_longer_than_the_orgs_limit_is_unknown() {
    let live = Live::new().await;
    let (t, w) = (&live.w.t, &live.w);
    // A 30-minute limit, set through the settings route. Start is 10 minutes ago: these events are
    // 40 and 5 minutes old.
    let path = format!("/api/orgs/{}/settings", t.org_a);
    let set = |minutes: i64| {
        let path = path.clone();
        async move {
            let body = json!({ "live_status_unknown_after_minutes": minutes });
            w.call(&w.user(), Method::PATCH, &path, t.admin_a, Some(body))
                .await
        }
    };
    let reply = set(30).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["live_status_unknown_after_minutes"], 30);

    let old = Call::new("+16465550501");
    live.post(&old, "IncomingCallConnected", Some("101"), -30 * 60)
        .await;
    let ended = Call::new("+16465550502");
    live.post(&ended, "IncomingCallConnected", Some("102"), -31 * 60)
        .await;
    live.post(&ended, "IncomingCallCompleted", None, -30 * 60)
        .await;
    let fresh = Call::new("+16465550503");
    live.post(&fresh, "IncomingCallCompleted", Some("103"), 5 * 60)
        .await;
    let s = live.status(t.manager_a).await;
    assert_eq!(s["unknown_after_minutes"], 30);
    let unknown_since = Some(live.at(-30 * 60) + TimeDelta::minutes(30));
    assert_eq!(state(&s, "101"), ("unknown".into(), unknown_since));
    assert_eq!(agent(&s, "101")["current_call"], Value::Null);
    assert_eq!(state(&s, "102"), ("unknown".into(), unknown_since));
    assert_eq!(
        state(&s, "103"),
        ("available".into(), Some(live.at(5 * 60)))
    );
    assert_eq!(
        s["counts"],
        json!({ "ringing": 0, "on_call": 0, "available": 1, "unknown": 2 })
    );

    // A longer limit trusts the same events again.
    assert_eq!(set(60).await.status, 200);
    let s = live.status(t.manager_a).await;
    assert_eq!(
        state(&s, "101"),
        ("on_call".into(), Some(live.at(-30 * 60)))
    );
    assert_eq!(
        state(&s, "102"),
        ("available".into(), Some(live.at(-30 * 60)))
    );

    // Out of bounds: refused, nothing changes.
    for bad in [0, 1441] {
        assert_eq!(set(bad).await.status, 400);
    }
    assert_eq!(live.status(t.manager_a).await["unknown_after_minutes"], 60);
}

/// Org B's 777 on a call with the returned call's party, org A's 101 ringing.
async fn both_orgs_heard() -> (Live, Call) {
    let live = Live::new().await;
    let (org_a, org_b) = (live.w.t.org_a, live.w.t.org_b);
    let c = Call::new("+16465550999");
    let b_event = live.event(org_b, &c, "IncomingCallConnected", Some("777"), 10);
    assert_eq!(live.deliver(org_b, &b_event).await.status, 202);
    let a_call = Call::new("+16465550601");
    let a_event = live.event(org_a, &a_call, "IncomingCallRinging", Some("101"), 10);
    assert_eq!(live.deliver(org_a, &a_event).await.status, 202);
    (live, c)
}

#[tokio::test]
async fn members_of_org_a_read_nothing_of_org_b() {
    let (live, c) = both_orgs_heard().await;
    let t = &live.w.t;

    for user in [t.admin_a, t.manager_a, t.agent_a, t.outsider] {
        let reply = live.get(&format!("?orgId={}", t.org_b), user).await;
        assert_eq!(reply.status, 404, "{:?}", reply.body);
        assert_eq!(reply.body["error"], "not_found");
        assert!(!reply.body.to_string().contains(&c.party));
        assert_eq!(reply.body.as_object().unwrap().len(), 3, "only the error");
    }
    // Org A's own reading shows nothing of B's.
    let s = live.status(t.admin_a).await;
    assert_eq!(extensions(&s), ["101"]);
    assert!(!s.to_string().contains(&c.party));
    // Positive controls: B's members and platform admins read B.
    for user in [t.agent_b, t.platform_admin] {
        let reply = live.get(&format!("?orgId={}", t.org_b), user).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        assert_eq!(extensions(&reply.body), ["777"]);
        assert_eq!(
            agent(&reply.body, "777")["current_call"]["counterpart"],
            c.party
        );
    }
}

#[tokio::test]
async fn rls_alone_shows_no_member_of_org_a_anything_of_org_b() {
    // If the code's membership check were skipped, A's admin would read B's roster under their
    // own claims: nothing comes back.
    let (live, _) = both_orgs_heard().await;
    let t = &live.w.t;
    let tx = live
        .w
        .db
        .store()
        .as_user(&claims_for(t.admin_a))
        .await
        .unwrap();
    let b_roster = live_status::roster(&tx, OrgId::new(t.org_b), &CallView::Org);
    assert!(b_roster.await.unwrap().is_none());
    let legs: i64 = tx
        .client()
        .query_one(
            "select count(*) from live_call_legs where org_id = $1",
            &[&t.org_b],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(legs, 0);
    // The same query sees A's roster: the emptiness is RLS, not a wrong query.
    let a_roster = live_status::roster(&tx, OrgId::new(t.org_a), &CallView::Org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a_roster.entries.len(), 1);
    assert!(a_roster.entries[0].active.is_some());
    assert_eq!(
        live.w
            .count(
                "select count(*) from live_call_legs where org_id = $1",
                &[&t.org_b]
            )
            .await,
        1,
        "B's leg exists"
    );
}

/// Org A scoping agents, its agent on 101; calls ringing at 101 and on 102.
async fn scoped() -> Live {
    let live = Live::new().await;
    live.scope_agents().await;
    live.set_extension(live.w.t.agent_a, Some("101")).await;
    live.post(
        &Call::new("+16465550701"),
        "IncomingCallRinging",
        Some("101"),
        10,
    )
    .await;
    live.post(
        &Call::new("+16465550702"),
        "OutgoingCallConnected",
        Some("102"),
        20,
    )
    .await;
    live
}

#[tokio::test]
async fn a_scoped_agent_sees_only_their_own_extension() {
    let live = scoped().await;
    let t = &live.w.t;
    let s = live.status(t.agent_a).await;
    assert_eq!(extensions(&s), ["101"]);
    assert_eq!(state(&s, "101").0, "ringing");
    assert_eq!(
        s["counts"],
        json!({ "ringing": 1, "on_call": 0, "available": 0, "unknown": 0 })
    );
    assert!(!s.to_string().contains("+16465550702"));
    // Managers and admins see both.
    for user in [t.manager_a, t.admin_a] {
        assert_eq!(extensions(&live.status(user).await), ["101", "102"]);
    }
    // Without an extension the agent sees no one.
    live.set_extension(t.agent_a, None).await;
    let s = live.status(t.agent_a).await;
    assert_eq!(extensions(&s), Vec::<&str>::new());
    // Unscoped, the agent sees the whole org.
    live.sql(
        "update organizations set agents_see_own_calls_only = false where id = $1",
        &[&t.org_a],
    )
    .await;
    assert_eq!(extensions(&live.status(t.agent_a).await), ["101", "102"]);
}

/// The extensions of org A's legs `user` reads under RLS alone, and those the roster shows heard
/// of when read as if the code had not narrowed it to the agent's own extension.
async fn visible_legs(live: &Live, user: Uuid) -> (Vec<String>, Vec<String>) {
    let org = live.w.t.org_a;
    let tx = live.w.db.store().as_user(&claims_for(user)).await.unwrap();
    let rows = tx
        .client()
        .query(
            "select extension from live_call_legs where org_id = $1 order by 1",
            &[&org],
        )
        .await
        .unwrap();
    let roster = live_status::roster(&tx, OrgId::new(org), &CallView::Org)
        .await
        .unwrap()
        .unwrap();
    let heard = roster
        .entries
        .iter()
        .filter(|e| e.active.is_some() || e.last_heard_at.is_some())
        .map(|e| e.extension.clone())
        .collect();
    (rows.iter().map(|r| r.get(0)).collect(), heard)
}

#[tokio::test]
async fn rls_alone_hides_other_extensions_calls_from_a_scoped_agent() {
    let live = scoped().await;
    let t = &live.w.t;
    let mine = vec!["101".to_owned()];
    assert_eq!(visible_legs(&live, t.agent_a).await, (mine.clone(), mine));
    let both = vec!["101".to_owned(), "102".to_owned()];
    assert_eq!(visible_legs(&live, t.manager_a).await, (both.clone(), both));
}

#[tokio::test]
async fn bad_requests_are_4xx_and_an_only_org_may_be_left_out() {
    let live = Live::new().await;
    let t = &live.w.t;
    for (query, status, code) in [
        ("?orgId=not-a-uuid", 400, "invalid_org_id"),
        ("?orgId=", 400, "invalid_org_id"),
        (&format!("?orgId={}&x=1", t.org_a)[..], 400, "invalid_query"),
        (&format!("?orgId={}", Uuid::new_v4())[..], 404, "not_found"),
    ] {
        let reply = live.get(query, t.admin_a).await;
        assert_eq!(reply.status, status, "{query}: {:?}", reply.body);
        assert_eq!(reply.body["error"], code, "{query}");
    }
    // The agent belongs to org A only; a platform admin must name the org.
    let reply = live.get("", t.agent_a).await;
    assert_eq!(
        (reply.status, &reply.body["org_id"]),
        (200, &json!(t.org_a))
    );
    let reply = live.get("", t.platform_admin).await;
    assert_eq!(
        (reply.status, &reply.body["error"]),
        (400, &json!("org_required"))
    );
    let reply = call(
        &live.operations,
        Method::GET,
        "/api/live-status",
        None,
        None,
    )
    .await;
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn odd_extensions_and_calls_without_an_id_change_nothing() {
    let live = Live::new().await;
    let t = &live.w.t;
    let c = Call::new("+16465550801");
    for extension in [" ", &"9".repeat(51)[..]] {
        live.post(&c, "IncomingCallRinging", Some(extension), 5)
            .await;
    }
    let mut no_call = live.event(t.org_a, &c, "IncomingCallRinging", Some("101"), 5);
    no_call["Body"]["Id"] = json!("");
    assert_eq!(live.deliver(t.org_a, &no_call).await.status, 202);
    // An extension MightyCall pads is trimmed.
    live.post(&c, "IncomingCallConnected", Some(" 108 "), 6)
        .await;
    let s = live.status(t.admin_a).await;
    assert_eq!(extensions(&s), ["108"]);
    assert_eq!(state(&s, "108").0, "on_call");
}

#[tokio::test]
async fn a_call_fetched_on_its_end_names_the_agent() {
    let live = Live::new().await;
    let key = live.w.api_key(0);
    let fake = live.w.fake.add_calls(&key, &[live.at(0)]).remove(0);
    let team = live.w.fake.account(&key).unwrap().team;
    let user = &team[fake.agent];
    let c = Call {
        id: fake.id.to_string(),
        party: fake.client_phone.clone(),
    };
    let kind = match fake.direction {
        mightycall_fake::Direction::Incoming => "Incoming",
        mightycall_fake::Direction::Outgoing => "Outgoing",
    };
    live.post(
        &c,
        &format!("{kind}CallConnected"),
        Some(&user.extension),
        5,
    )
    .await;
    let ended = live.event(
        live.w.t.org_a,
        &c,
        &format!("{kind}CallCompleted"),
        None,
        60,
    );
    let reply = live.deliver(live.w.t.org_a, &ended).await;
    assert_eq!(reply.body["call_fetched"], true, "{:?}", reply.body);
    let s = live.status(live.w.t.manager_a).await;
    let row = agent(&s, &user.extension);
    assert_eq!(row["agent_name"], user.full_name.as_str());
    assert_eq!(row["state"], "available");
}

#[tokio::test]
async fn events_delivered_at_once_in_any_order_end_where_the_calls_did() {
    // MightyCall posts concurrently: a leg's connect and its call's end may be stored by two
    // transactions at the same time, and neither may leave the leg on the call.
    let live = Live::new().await;
    let mut bodies = Vec::new();
    for i in 0..12 {
        let c = Call::new(&format!("+164655509{i:02}"));
        let ext = format!("{}", 300 + i);
        let t = i * 10;
        bodies.push(live.event(live.w.t.org_a, &c, "IncomingCall", None, t));
        bodies.push(live.event(live.w.t.org_a, &c, "IncomingCallRinging", Some(&ext), t + 1));
        bodies.push(live.event(
            live.w.t.org_a,
            &c,
            "IncomingCallConnected",
            Some(&ext),
            t + 2,
        ));
        bodies.push(live.event(live.w.t.org_a, &c, "IncomingCallCompleted", None, t + 9));
    }
    // Newest first, all in flight together.
    bodies.reverse();
    let replies =
        futures::future::join_all(bodies.iter().map(|b| live.deliver(live.w.t.org_a, b))).await;
    assert!(replies.iter().all(|r| r.status == 202), "{replies:?}");
    let s = live.status(live.w.t.manager_a).await;
    assert_eq!(
        s["counts"],
        json!({ "ringing": 0, "on_call": 0, "available": 12, "unknown": 0 })
    );
    for i in 0..12 {
        let ext = format!("{}", 300 + i);
        assert_eq!(
            state(&s, &ext),
            ("available".into(), Some(live.at(i * 10 + 9)))
        );
    }
}
