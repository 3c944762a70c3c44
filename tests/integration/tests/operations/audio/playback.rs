//! What a player gets: the file as the fake serves it, whole or by ranges, in chunks of at most
//! `operations::CHUNK` bytes.

use super::{
    Played, audited, play, recorded_call, recording_id, recording_path, voicemail_call,
    voicemail_id, voicemail_path, world,
};

fn range_of(reply: &Played) -> Option<&str> {
    reply.header("content-range")
}

fn expect_part(reply: &Played, file: &[u8], first: usize, last: usize) {
    assert_eq!(reply.status, 206, "{:?}", reply.error());
    let expected = format!("bytes {first}-{last}/{}", file.len());
    assert_eq!(range_of(reply), Some(expected.as_str()));
    assert_eq!(reply.header("accept-ranges"), Some("bytes"));
    assert_eq!(
        reply.header("content-length"),
        Some((last - first + 1).to_string().as_str())
    );
    assert!(reply.body[..] == file[first..=last], "bytes {first}-{last}");
}

#[tokio::test]
async fn a_recording_plays_whole_as_the_fakes_file_and_each_access_is_audited() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let id = recording_id(&w, w.t.org_a, &call).await;
    let file = w.fake.audio_file(call.id);

    let reply = play(&w, &recording_path(w.t.org_a, id), w.t.agent_a, None).await;

    assert_eq!(reply.status, 200, "{:?}", reply.error());
    assert_eq!(reply.header("content-type"), Some("audio/wav"));
    assert_eq!(
        reply.header("content-length"),
        Some(file.len().to_string().as_str())
    );
    assert_eq!(reply.header("accept-ranges"), Some("bytes"));
    assert_eq!(reply.header("cache-control"), Some("private, no-store"));
    assert_eq!(range_of(&reply), None);
    assert!(reply.body[..] == file[..], "the fake's file, byte for byte");
    assert_eq!(&reply.body[..4], b"RIFF");
    assert_eq!(
        audited(&w, "recording.audio_accessed", id, w.t.agent_a).await,
        1
    );
    play(
        &w,
        &recording_path(w.t.org_a, id),
        w.t.agent_a,
        Some("bytes=0-9"),
    )
    .await;
    let details: String = w
        .db
        .admin()
        .await
        .query_one(
            "select details::text from audit_log where action = 'recording.audio_accessed' order by id desc limit 1",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(details, r#"{"range": "bytes=0-9"}"#);
    assert_eq!(
        audited(&w, "recording.audio_accessed", id, w.t.agent_a).await,
        2
    );
}

#[tokio::test]
async fn ranges_give_exactly_the_bytes_asked_for() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    let file = w.fake.audio_file(call.id);
    let end = file.len() - 1;

    let first = play(&w, &path, w.t.manager_a, Some("bytes=0-99")).await;
    expect_part(&first, &file, 0, 99);
    let middle = play(&w, &path, w.t.manager_a, Some("bytes=1000-1999")).await;
    expect_part(&middle, &file, 1000, 1999);
    let suffix = play(&w, &path, w.t.manager_a, Some("bytes=-500")).await;
    expect_part(&suffix, &file, end - 499, end);
    let open = play(&w, &path, w.t.manager_a, Some("bytes=30000-")).await;
    expect_part(&open, &file, 30000, end);
    // A range past the end is cut to the file; the whole file asked for as a range is a 206.
    let past = play(&w, &path, w.t.manager_a, Some("bytes=100-999999")).await;
    expect_part(&past, &file, 100, end);
    let all = play(&w, &path, w.t.manager_a, Some("bytes=0-")).await;
    expect_part(&all, &file, 0, end);
}

#[tokio::test]
async fn ranges_outside_the_file_are_416_and_malformed_ones_400() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    let size = w.fake.audio_file(call.id).len();

    for range in [format!("bytes={size}-"), "bytes=-0".to_owned()] {
        let reply = play(&w, &path, w.t.admin_a, Some(&range)).await;
        assert_eq!(reply.status, 416, "{range}");
        assert_eq!(reply.error()["error"], "range_not_satisfiable", "{range}");
        let whole = format!("bytes */{size}");
        assert_eq!(range_of(&reply), Some(whole.as_str()), "{range}");
    }
    for range in [
        "bytes=9-3",
        "bytes=0-1,4-5",
        "items=0-5",
        "bytes=x-",
        "bytes=5",
    ] {
        let reply = play(&w, &path, w.t.admin_a, Some(range)).await;
        assert_eq!(reply.status, 400, "{range}");
        assert_eq!(reply.error()["error"], "invalid_range", "{range}");
        assert!(reply.error()["request_id"].is_string());
    }
}

#[tokio::test]
async fn a_recording_larger_than_one_chunk_is_served_in_chunks() {
    let w = world().await;
    let call = recorded_call(&w, 0, 1);
    let chunk = operations::CHUNK as usize;
    w.fake.set_audio_len(call.id, operations::CHUNK + 300_000);
    let file = w.fake.audio_file(call.id);
    assert!(file.len() > chunk);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);

    // Asked for everything, a player gets the first chunk and the size, then asks for the rest.
    let head = play(&w, &path, w.t.agent_a, None).await;
    expect_part(&head, &file, 0, chunk - 1);
    let open = play(&w, &path, w.t.agent_a, Some("bytes=0-")).await;
    expect_part(&open, &file, 0, chunk - 1);
    let rest = play(&w, &path, w.t.agent_a, Some(&format!("bytes={chunk}-"))).await;
    expect_part(&rest, &file, chunk, file.len() - 1);
    assert_eq!([&head.body[..], &rest.body[..]].concat(), file);
    // A seek across the chunk boundary, and a long suffix: one chunk at most.
    let across = play(&w, &path, w.t.agent_a, Some("bytes=100000-")).await;
    expect_part(&across, &file, 100_000, 100_000 + chunk - 1);
    let suffix = play(
        &w,
        &path,
        w.t.agent_a,
        Some(&format!("bytes=-{}", file.len())),
    )
    .await;
    expect_part(&suffix, &file, 0, chunk - 1);
}

#[tokio::test]
async fn a_file_host_without_ranges_is_cut_to_the_range_asked_for() {
    let w = world().await;
    w.fake.set_ranges_supported(false);
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    let file = w.fake.audio_file(call.id);
    let end = file.len() - 1;

    let whole = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(whole.status, 200);
    assert!(whole.body[..] == file[..]);
    expect_part(
        &play(&w, &path, w.t.agent_a, Some("bytes=10-20")).await,
        &file,
        10,
        20,
    );
    expect_part(
        &play(&w, &path, w.t.agent_a, Some("bytes=-7")).await,
        &file,
        end - 6,
        end,
    );
    let past = play(
        &w,
        &path,
        w.t.agent_a,
        Some(&format!("bytes={}-", file.len())),
    )
    .await;
    assert_eq!(past.status, 416);

    let big = recorded_call(&w, 0, 1);
    w.fake.set_audio_len(big.id, operations::CHUNK + 10);
    let file = w.fake.audio_file(big.id);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &big).await);
    let chunk = operations::CHUNK as usize;
    expect_part(
        &play(&w, &path, w.t.agent_a, None).await,
        &file,
        0,
        chunk - 1,
    );
    let rest = play(&w, &path, w.t.agent_a, Some(&format!("bytes={chunk}-"))).await;
    expect_part(&rest, &file, chunk, file.len() - 1);
}

#[tokio::test]
async fn a_voicemail_plays_whole_and_by_ranges() {
    let w = world().await;
    let call = voicemail_call(&w, 0, 0);
    let id = voicemail_id(&w, w.t.org_a, &call).await;
    let path = voicemail_path(w.t.org_a, id);
    let file = w.fake.audio_file(call.voicemail_id);

    let whole = play(&w, &path, w.t.manager_a, None).await;
    assert_eq!(whole.status, 200, "{:?}", whole.error());
    assert_eq!(whole.header("content-type"), Some("audio/wav"));
    assert!(whole.body[..] == file[..]);
    expect_part(
        &play(&w, &path, w.t.manager_a, Some("bytes=44-143")).await,
        &file,
        44,
        143,
    );
    assert_eq!(
        audited(&w, "voicemail.audio_accessed", id, w.t.manager_a).await,
        2
    );
}

#[tokio::test]
async fn audio_mightycall_no_longer_has_is_a_clear_404() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    w.fake.delete_audio(call.id);

    let reply = play(&w, &path, w.t.agent_a, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error()["error"], "not_found");
    assert_eq!(reply.error()["message"], "audio not found");

    let vm = voicemail_call(&w, 0, 0);
    let path = voicemail_path(w.t.org_a, voicemail_id(&w, w.t.org_a, &vm).await);
    w.fake.delete_audio(vm.voicemail_id);
    let reply = play(&w, &path, w.t.agent_a, Some("bytes=0-10")).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.error()["message"], "audio not found");
}

#[tokio::test]
async fn a_file_over_the_size_cap_is_422() {
    let w = world().await;
    let call = recorded_call(&w, 0, 0);
    let path = recording_path(w.t.org_a, recording_id(&w, w.t.org_a, &call).await);
    w.fake.set_audio_len(call.id, operations::MAX_SIZE);

    let reply = play(&w, &path, w.t.agent_a, Some("bytes=0-99")).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.error()["error"], "audio_too_large");
    // Just under the cap it plays.
    w.fake.set_audio_len(call.id, operations::MAX_SIZE - 44);
    let reply = play(&w, &path, w.t.agent_a, Some("bytes=0-99")).await;
    assert_eq!(reply.status, 206);
    let size = operations::MAX_SIZE.to_string();
    assert!(
        reply
            .header("content-range")
            .unwrap()
            .ends_with(&format!("/{size}"))
    );
}
