//! Who may read which org's data: members of the org (any role) and platform admins; everybody else
//! gets a 404 that tells nothing, and RLS alone would still return nothing. Bad tokens get a 401.

use axum::body::Body;
use axum::http::Request;
use domain::TimeZone;
use domain::{DateRange, OrgId, PageLimit};
use store::reports::{self, CallFilter, CallView, ReportTerms};
use store::synced::{self, ContactRow, MessageRow, RecordingRow, VoicemailRow};
use test_harness::fixtures::claims_for;
use test_harness::http::send;
use test_harness::identity::bad_tokens;

use crate::support::{B_MARKER, DataCalls, routes, world};

#[tokio::test]
async fn members_of_org_a_get_404_and_nothing_of_org_b() {
    let w = world().await;
    for user in [w.t.admin_a, w.t.manager_a, w.t.agent_a, w.t.outsider] {
        for (path, _) in routes(w.t.org_b) {
            let reply = w.get(&path, user).await;
            assert_eq!(reply.status, 404, "{path}: {:?}", reply.body);
            assert_eq!(reply.body["error"], "not_found");
            assert!(!reply.body.to_string().contains(B_MARKER), "{path}");
        }
    }
}

#[tokio::test]
async fn every_member_role_and_platform_admins_read_the_org() {
    let w = world().await;
    for (user, org) in [
        (w.t.admin_a, w.t.org_a),
        (w.t.manager_a, w.t.org_a),
        (w.t.agent_a, w.t.org_a),
        (w.t.platform_admin, w.t.org_b),
        (w.t.agent_b, w.t.org_b),
    ] {
        for (path, key) in routes(org) {
            let reply = w.get(&path, user).await;
            assert_eq!(reply.status, 200, "{path}: {:?}", reply.body);
            let rows = reply.body[key].as_array().unwrap();
            assert!(!rows.is_empty(), "{path}");
            if org == w.t.org_a {
                assert!(!reply.body.to_string().contains(B_MARKER), "{path}");
            }
        }
    }
}

/// How many rows of `T` the first page shows, with no date filter.
async fn listed<T: synced::Listed>(tx: &store::Tx, org: OrgId) -> usize {
    synced::list::<T>(
        tx,
        org,
        (None, None),
        &CallView::Org,
        None,
        PageLimit::DEFAULT,
    )
    .await
    .unwrap()
    .rows
    .len()
}

#[tokio::test]
async fn rls_alone_returns_nothing_of_another_org() {
    // If the code's membership check were skipped, A's admin would run B's queries under their own
    // claims: every store function must come back empty.
    let w = world().await;
    let tx =
        w.db.store()
            .as_user(&claims_for(w.t.admin_a))
            .await
            .unwrap();
    let org_b = OrgId::new(w.t.org_b);
    let range = DateRange::parse(
        Some("2026-01-01"),
        Some("2026-01-31"),
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    let filter = CallFilter::all(range);
    let limit = PageLimit::DEFAULT;
    // B's own terms are invisible to A (RLS); these are what a forgotten check would use.
    let terms = ReportTerms {
        zone: TimeZone::UTC,
        sla_target_percent: 80,
        view: CallView::Org,
    };
    assert!(reports::terms(&tx, org_b).await.unwrap().is_none());
    assert!(
        reports::list_calls(&tx, org_b, &terms, &filter, None, limit)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    let agents = reports::agents(&tx, org_b, &terms, &filter, None, limit);
    assert!(agents.await.unwrap().rows.is_empty());
    let numbers = reports::numbers(&tx, org_b, &terms, &filter, None, limit);
    assert!(numbers.await.unwrap().rows.is_empty());
    let hours = reports::hourly(&tx, org_b, &terms, &filter, None, limit);
    assert!(hours.await.unwrap().rows.iter().all(|h| h.stats.total == 0));
    assert_eq!(
        reports::call_count(&tx, org_b, &terms, &filter)
            .await
            .unwrap(),
        0
    );
    let searching = CallFilter {
        search: Some("Caller"),
        ..filter
    };
    assert!(
        reports::agents(&tx, org_b, &terms, &searching, None, limit)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    let (days, totals) = reports::dashboard(&tx, org_b, &terms, &filter)
        .await
        .unwrap();
    assert!(
        days.iter().all(|d| d.stats.total == 0) && totals.total == 0,
        "days are listed, but empty"
    );
    assert!(synced::phone_numbers(&tx, org_b).await.unwrap().is_empty());
    assert_eq!(listed::<RecordingRow>(&tx, org_b).await, 0);
    assert_eq!(listed::<VoicemailRow>(&tx, org_b).await, 0);
    assert_eq!(listed::<MessageRow>(&tx, org_b).await, 0);
    assert_eq!(listed::<ContactRow>(&tx, org_b).await, 0);
    // …while the same functions do see A's data, so the emptiness is RLS and not a wrong query.
    let org_a = OrgId::new(w.t.org_a);
    let (days, totals) = reports::dashboard(&tx, org_a, &terms, &filter)
        .await
        .unwrap();
    assert_eq!(days.iter().map(|d| d.stats.total).sum::<i64>(), 300);
    assert_eq!(totals.total, 300);
    assert_eq!(listed::<ContactRow>(&tx, org_a).await, 10);
}

/// What is tried: a label, the Authorization header, and an extra header.
type Attempt = (&'static str, Option<String>, Option<(&'static str, String)>);

#[tokio::test]
async fn every_route_refuses_bad_tokens_with_401() {
    let w = world().await;
    for (path, _) in routes(w.t.org_a) {
        let mut attempts: Vec<Attempt> = vec![
            ("no token", None, None),
            (
                "identity header",
                None,
                Some(("x-user-id", w.t.admin_a.to_string())),
            ),
            (
                "basic",
                Some(format!("Basic {}", w.token(w.t.admin_a))),
                None,
            ),
        ];
        for (what, token) in bad_tokens(w.t.admin_a) {
            attempts.push((what, Some(format!("Bearer {token}")), None));
        }
        for (what, auth, extra) in attempts {
            let mut request = Request::get(&path);
            if let Some(auth) = auth {
                request = request.header("authorization", auth);
            }
            if let Some((name, value)) = extra {
                request = request.header(name, value);
            }
            let reply = send(&w.data(), request.body(Body::empty())).await;
            assert_eq!(reply.status, 401, "{what} {path}: {:?}", reply.body);
            assert!(
                ["missing_token", "invalid_token", "token_expired"]
                    .contains(&reply.body["error"].as_str().unwrap_or_default()),
                "{what}: {:?}",
                reply.body
            );
        }
    }
}
