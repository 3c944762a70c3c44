//! The dashboard's sessions: on until ended, only for the user they were started for; a check
//! marks the session seen at most once in five minutes.

use chrono::{DateTime, Utc};
use domain::UserId;
use store::web_sessions;
use test_harness::TestDb;
use test_harness::fixtures::Tenants;

async fn last_seen(db: &TestDb, id: uuid::Uuid) -> DateTime<Utc> {
    db.admin()
        .await
        .query_one(
            "select last_seen_at from web_sessions where id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn a_session_is_on_for_its_user_until_ended_and_marked_seen_sparingly() {
    let db = TestDb::new().await;
    let t = Tenants::seed(&db.admin().await).await;
    let (user, other) = (UserId::new(t.agent_a), UserId::new(t.agent_b));
    let store = db.store();
    let tx = store.as_service().await.unwrap();
    let id = web_sessions::start(&tx, user).await.unwrap();
    tx.commit().await.unwrap();

    let check = |who: UserId| {
        let store = store.clone();
        async move {
            let tx = store.as_service().await.unwrap();
            let on = web_sessions::touch(&tx, id, who).await.unwrap();
            tx.commit().await.unwrap();
            on
        }
    };
    assert!(check(user).await);
    assert!(!check(other).await, "another user's cookie naming it");
    // Seen a minute ago: a check reads only; an hour ago: it marks the session seen now.
    let admin = db.admin().await;
    admin
        .execute(
            "update web_sessions set last_seen_at = now() - interval '1 minute' where id = $1",
            &[&id],
        )
        .await
        .unwrap();
    let recent = last_seen(&db, id).await;
    assert!(check(user).await);
    assert_eq!(last_seen(&db, id).await, recent);
    admin
        .execute(
            "update web_sessions set last_seen_at = now() - interval '1 hour' where id = $1",
            &[&id],
        )
        .await
        .unwrap();
    assert!(check(user).await);
    assert!(Utc::now() - last_seen(&db, id).await < chrono::TimeDelta::minutes(1));

    let tx = store.as_service().await.unwrap();
    web_sessions::end(&tx, id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!check(user).await, "ended");
}
