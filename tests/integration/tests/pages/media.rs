//! Recordings and voicemails: the pages list the API's rows, and their players fetch the audio
//! through the session cookie exactly as the API serves it — the org's members only, a scoped
//! agent their own calls' only, nothing of MightyCall's links on the page.

use axum::http::Method;
use domain::Resource;
use integration_tests::World;
use integration_tests::site::{Jar, Page, Site};
use uuid::Uuid;

pub fn marked(page: &Page, attribute: &str) -> Vec<String> {
    let marker = format!("<tr {attribute}=\"");
    page.html
        .split(&marker)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

/// The ids of the API's first page of `list` in org `org` as `user` (its default: the last 30
/// local days, as the pages'), and MightyCall's file of each.
async fn api_ids(w: &World, list: &str, org: Uuid, user: Uuid) -> Vec<String> {
    let reply = w
        .call(
            &w.data(),
            Method::GET,
            &format!("/api/mightycall/{list}?orgId={org}&limit=100"),
            user,
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The fake's file of our recording row `id`.
pub async fn recording_file(w: &World, id: &str) -> Vec<u8> {
    let call: String =
        w.db.admin()
            .await
            .query_one(
                "select call_external_id from mightycall_recordings where id = $1::text::uuid",
                &[&id],
            )
            .await
            .unwrap()
            .get(0);
    w.fake.audio_file(call.parse().unwrap())
}

async fn audio(site: &Site, path: &str, jar: &Jar, range: Option<&str>) -> Page {
    let headers: Vec<(&str, &str)> = range.iter().map(|r| ("range", *r)).collect();
    site.request_with("GET", path, jar, &headers, None).await
}

#[tokio::test]
async fn the_lists_are_the_apis_and_a_player_fetches_ranges_through_the_session() {
    let site = Site::synced(&[Resource::Calls, Resource::Recordings, Resource::Voicemails]).await;
    let w = &site.w;
    let (org, other) = (w.t.org_a, w.t.org_b);
    let jar = site.sign_in(w.t.agent_a).await;

    for (list, attribute) in [
        ("recordings", "data-recording"),
        ("voicemails", "data-voicemail"),
    ] {
        let page = site.get(&format!("/orgs/{org}/{list}"), &jar).await;
        assert_eq!(page.status, 200, "{}", page.html);
        let shown = marked(&page, attribute);
        assert!(!shown.is_empty(), "the fake has {list}");
        assert_eq!(shown, api_ids(w, list, org, w.t.agent_a).await);
        // Each row plays through this site; MightyCall's links and hosts never reach the page.
        for id in &shown {
            assert!(
                page.html
                    .contains(&format!("src=\"/orgs/{org}/{list}/{id}/audio\""))
            );
        }
        assert!(!page.html.contains(&w.fake.base_url()));
        assert!(!page.html.contains("mightycall"), "no upstream link");
    }

    let recordings = site.get(&format!("/orgs/{org}/recordings"), &jar).await;
    let id = marked(&recordings, "data-recording").remove(0);
    let file = recording_file(w, &id).await;
    let path = format!("/orgs/{org}/recordings/{id}/audio");
    let whole = audio(&site, &path, &jar, None).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.headers["content-type"], "audio/wav");
    assert!(whole.bytes[..] == file[..], "the file, byte for byte");
    // A seek: the player asks for a range from the middle.
    let middle = file.len() / 2;
    let part = audio(&site, &path, &jar, Some(&format!("bytes={middle}-"))).await;
    assert_eq!(part.status, 206);
    assert_eq!(
        part.headers["content-range"],
        format!("bytes {middle}-{}/{}", file.len() - 1, file.len()).as_str()
    );
    assert!(part.bytes[..] == file[middle..]);
    let accessed = w
        .count(
            "select count(*) from audit_log where action = 'recording.audio_accessed'
             and target = $1 and actor_user_id = $2",
            &[&id, &w.t.agent_a],
        )
        .await;
    assert_eq!(accessed, 2, "each fetch is audited");

    // Another org's row, by its org's URL or under ours: the 404 page, no bytes.
    let theirs = marked(
        &site
            .get(
                &format!("/orgs/{other}/recordings"),
                &site.sign_in(w.t.agent_b).await,
            )
            .await,
        "data-recording",
    )
    .remove(0);
    for path in [
        format!("/orgs/{other}/recordings/{theirs}/audio"),
        format!("/orgs/{org}/recordings/{theirs}/audio"),
        format!("/orgs/{other}/recordings"),
        format!("/orgs/not-an-org/recordings/{id}/audio"),
    ] {
        let refused = audio(&site, &path, &jar, Some("bytes=0-9")).await;
        assert_eq!(refused.status, 404, "{path}");
        assert!(refused.html.contains("There is no such page."));
        assert!(refused.headers.get("content-range").is_none());
    }
    let malformed = format!("/orgs/{org}/recordings/not-a-uuid/audio");
    let malformed = audio(&site, &malformed, &jar, None).await;
    assert_eq!(malformed.status, 400);
    assert!(malformed.html.contains("the recording id must be a UUID"));
    // Without a session: signing in, not audio.
    let anonymous = audio(&site, &path, &Jar::default(), None).await;
    assert_eq!(anonymous.status, 303);
    assert_eq!(anonymous.location(), Some("/login"));
    assert!(anonymous.bytes.len() < 1000);
}

#[tokio::test]
async fn a_scoped_agent_lists_and_plays_their_own_calls_audio_only() {
    let site = Site::synced(&[Resource::Calls, Resource::Recordings, Resource::Voicemails]).await;
    let w = &site.w;
    let org = w.t.org_a;
    let admin = w.db.admin().await;
    let extension: String = admin
        .query_one(
            "select agent_extension from mightycall_recordings
             where org_id = $1 and agent_extension is not null
             group by agent_extension order by count(*) desc limit 1",
            &[&org],
        )
        .await
        .unwrap()
        .get(0);
    let someone_elses: String = admin
        .query_one(
            "select id::text from mightycall_recordings
             where org_id = $1 and agent_extension is distinct from $2 limit 1",
            &[&org, &extension],
        )
        .await
        .unwrap()
        .get(0);
    w.scope_agents(org, w.t.agent_a, Some(&extension)).await;
    let jar = site.sign_in(w.t.agent_a).await;

    let page = site.get(&format!("/orgs/{org}/recordings"), &jar).await;
    let shown = marked(&page, "data-recording");
    assert!(!shown.is_empty());
    assert_eq!(shown, api_ids(w, "recordings", org, w.t.agent_a).await);
    assert!(!shown.contains(&someone_elses));
    let own = format!("/orgs/{org}/recordings/{}/audio", shown[0]);
    assert_eq!(
        audio(&site, &own, &jar, Some("bytes=0-9")).await.status,
        206
    );
    let not_own = format!("/orgs/{org}/recordings/{someone_elses}/audio");
    assert_eq!(audio(&site, &not_own, &jar, None).await.status, 404);

    // The org's manager still hears it.
    let manager = site.sign_in(w.t.manager_a).await;
    assert_eq!(
        audio(&site, &not_own, &manager, Some("bytes=0-9"))
            .await
            .status,
        206
    );
}
