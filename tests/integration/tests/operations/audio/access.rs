//! Who may play what: members of the org only, a scoped agent their own calls' audio only, by the
//! code's checks and by RLS alone; everyone else gets the same 404 an unknown id gets, and nothing
//! is asked of MightyCall or audited for them.

use domain::OrgId;
use store::audio::{self, AudioKind};
use store::reports::CallView;
use test_harness::fixtures::claims_for;
use uuid::Uuid;

use super::{
    audited, play, recorded_call, recording_id, recording_path, voicemail_call, voicemail_id,
    voicemail_path, world,
};

/// Org A scopes agents to their own calls; its agent has `extension`.
async fn scope_agents(w: &integration_tests::World, extension: &str) {
    w.scope_agents(w.t.org_a, w.t.agent_a, Some(extension))
        .await;
}

async fn agent_of(w: &integration_tests::World, id: Uuid) -> Option<String> {
    w.db.admin()
        .await
        .query_one(
            "select agent_extension from mightycall_recordings where id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn members_of_another_org_get_the_same_404_as_for_an_unknown_id() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let id = recording_id(&w, w.t.org_a, &call).await;
    let vm = voicemail_id(&w, w.t.org_a, &voicemail_call(&w, 0, 0)).await;
    let sent = (
        w.fake.requests(&w.api_key(0)),
        w.fake.requests(&w.api_key(1)),
    );

    let unknown = play(
        &w,
        &recording_path(w.t.org_b, Uuid::new_v4()),
        w.t.admin_b,
        None,
    )
    .await;
    assert_eq!(unknown.status, 404);
    for user in [w.t.admin_b, w.t.manager_b, w.t.agent_b] {
        // A's id under B's org: exactly the unknown id's answer (bar the request id).
        let reply = play(&w, &recording_path(w.t.org_b, id), user, None).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.error()["error"], unknown.error()["error"]);
        assert_eq!(reply.error()["message"], unknown.error()["message"]);
        let reply = play(&w, &voicemail_path(w.t.org_b, vm), user, None).await;
        assert_eq!(reply.status, 404);
        // A's org: they are no members of it.
        let reply = play(&w, &recording_path(w.t.org_a, id), user, Some("bytes=0-9")).await;
        assert_eq!(reply.status, 404);
        assert_eq!(reply.error()["message"], "organization not found");
        assert!(reply.header("content-range").is_none());
        assert_eq!(audited(&w, "recording.audio_accessed", id, user).await, 0);
    }
    let outsider = play(&w, &recording_path(w.t.org_a, id), w.t.outsider, None).await;
    assert_eq!(outsider.status, 404);
    assert_eq!(
        (
            w.fake.requests(&w.api_key(0)),
            w.fake.requests(&w.api_key(1))
        ),
        sent,
        "MightyCall was not asked"
    );
    // Positive control: A's member plays it.
    assert_eq!(
        play(&w, &recording_path(w.t.org_a, id), w.t.agent_a, None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_scoped_agent_plays_their_own_calls_audio_only() {
    let w = world().await;
    let (mine, theirs) = {
        let mut found = (None, None);
        for nth in 0.. {
            let call = recorded_call(&w, 0, nth);
            let id = recording_id(&w, w.t.org_a, &call).await;
            let extension = agent_of(&w, id).await;
            match (&found, extension) {
                ((None, _), Some(extension)) => found.0 = Some((id, extension)),
                ((Some((_, own)), None), other) if Some(own) != other.as_ref() => {
                    found.1 = Some(id);
                }
                _ => {}
            }
            if found.1.is_some() {
                break;
            }
        }
        (found.0.unwrap(), found.1.unwrap())
    };
    scope_agents(&w, &mine.1).await;
    let vm_mine = voicemail_id(&w, w.t.org_a, &voicemail_call(&w, 0, 0)).await;
    let vm_theirs = voicemail_id(&w, w.t.org_a, &voicemail_call(&w, 0, 1)).await;
    let admin = w.db.admin().await;
    let assign = "update mightycall_voicemails set assigned_to = $2 where id = $1";
    admin.execute(assign, &[&vm_mine, &mine.1]).await.unwrap();
    admin
        .execute(assign, &[&vm_theirs, &"someone else"])
        .await
        .unwrap();

    let agent = w.t.agent_a;
    assert_eq!(
        play(&w, &recording_path(w.t.org_a, mine.0), agent, None)
            .await
            .status,
        200
    );
    assert_eq!(
        play(&w, &voicemail_path(w.t.org_a, vm_mine), agent, None)
            .await
            .status,
        200
    );
    let unknown = play(&w, &recording_path(w.t.org_a, Uuid::new_v4()), agent, None).await;
    let sent = w.fake.requests(&w.api_key(0));
    let other = play(&w, &recording_path(w.t.org_a, theirs), agent, None).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.error()["message"], unknown.error()["message"]);
    let other = play(&w, &voicemail_path(w.t.org_a, vm_theirs), agent, None).await;
    assert_eq!(other.status, 404);
    assert_eq!(other.error()["message"], "voicemail not found");
    assert_eq!(
        w.fake.requests(&w.api_key(0)),
        sent,
        "MightyCall was not asked"
    );
    assert_eq!(
        audited(&w, "recording.audio_accessed", theirs, agent).await,
        0
    );
    // Positive control: the manager plays the other agent's call.
    assert_eq!(
        play(&w, &recording_path(w.t.org_a, theirs), w.t.manager_a, None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn rls_alone_finds_no_other_orgs_or_other_agents_audio() {
    let w = world().await;
    let org_a = OrgId::new(w.t.org_a);
    let org_b = OrgId::new(w.t.org_b);
    let id_b = recording_id(&w, w.t.org_b, &recorded_call(&w, 1, 0)).await;
    let vm_b = voicemail_id(&w, w.t.org_b, &voicemail_call(&w, 1, 0)).await;

    // What a forgotten check would run: A's admin asking for B's rows, as if they saw the org.
    let find = async |user: Uuid, org: OrgId, kind: AudioKind, id: Uuid| {
        let tx = w.db.store().as_user(&claims_for(user)).await.unwrap();
        audio::find(&tx, org, kind, id, &CallView::Org)
            .await
            .unwrap()
            .is_some()
    };
    for user in [w.t.admin_a, w.t.manager_a, w.t.agent_a] {
        assert!(!find(user, org_b, AudioKind::Recording, id_b).await);
        assert!(!find(user, org_b, AudioKind::Voicemail, vm_b).await);
    }
    assert!(find(w.t.agent_b, org_b, AudioKind::Recording, id_b).await);
    assert!(find(w.t.agent_b, org_b, AudioKind::Voicemail, vm_b).await);

    // A scoped agent, read as if the code had forgotten the scoping (CallView::Org).
    let mine = recording_id(&w, w.t.org_a, &recorded_call(&w, 0, 0)).await;
    let extension = agent_of(&w, mine).await.unwrap();
    scope_agents(&w, &extension).await;
    let theirs: Vec<Uuid> = w
        .db
        .admin()
        .await
        .query(
            "select id from mightycall_recordings where org_id = $1 and agent_extension is distinct from $2",
            &[&w.t.org_a, &extension],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!theirs.is_empty());
    for id in theirs {
        assert!(!find(w.t.agent_a, org_a, AudioKind::Recording, id).await);
        assert!(find(w.t.manager_a, org_a, AudioKind::Recording, id).await);
    }
    assert!(find(w.t.agent_a, org_a, AudioKind::Recording, mine).await);
}

#[tokio::test]
async fn malformed_ids_are_400() {
    let w = world().await;
    let reply = play(
        &w,
        &format!(
            "/api/mightycall/recordings/not-a-uuid/audio?orgId={}",
            w.t.org_a
        ),
        w.t.admin_a,
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error()["error"], "invalid_id");
    let reply = play(
        &w,
        &format!(
            "/api/mightycall/voicemails/{}/audio?orgId=nope",
            Uuid::new_v4()
        ),
        w.t.admin_a,
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error()["error"], "invalid_org_id");
    let reply = play(
        &w,
        &format!(
            "/api/mightycall/voicemails/{}/audio?orgId={}&x=1",
            Uuid::new_v4(),
            w.t.org_a
        ),
        w.t.admin_a,
        None,
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error()["error"], "invalid_query");
}
