//! The dashboard's panels: SMS and voicemail counts, the week's heatmap, the busiest agents, and
//! who is on a call now — each equal to what the API says.

use axum::http::Method;
use integration_tests::site::{Page, Site};

fn tile(page: &Page, label: &str) -> String {
    let marker = format!("<p class=\"label\">{label}</p><p class=\"value\">");
    let rest = &page.html[page.html.find(&marker).unwrap() + marker.len()..];
    rest[..rest.find('<').unwrap()].to_owned()
}

#[tokio::test]
async fn the_panels_show_the_apis_figures() {
    let site = Site::new().await;
    let w = &site.w;
    let admin = w.db.admin().await;
    admin
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms, agent_extension)
             select $1, 'd' || i, now() - i * interval '2 hours', 'incoming', 'connected', 1000,
                    (array['201','202','203','204','205','206','207'])[1 + i % 7]
             from generate_series(1, 70) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    admin
        .execute(
            "insert into mightycall_sms_messages (org_id, external_id, sent_at, direction, body)
             select $1, 'sms' || i, now() - i * interval '1 day', 'inbound', 'hi' from generate_series(1, 3) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    // Extension 201 talks now, 202 rings (as the webhook trigger keeps them).
    admin
        .execute(
            "insert into live_call_legs (org_id, extension, call_id, direction, state, state_at, connected_at)
             values ($1, '201', 'live-1', 'incoming', 'on_call', now(), now()),
                    ($1, '202', 'live-2', 'incoming', 'ringing', now(), null)",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.admin_a).await;
    let page = site
        .get(&format!("/orgs/{}/dashboard", w.t.org_a), &jar)
        .await;
    assert_eq!(page.status, 200, "{}", page.html);

    let count = |list: &'static str| async move {
        let path = format!("/api/{list}?orgId={}&limit=500", w.t.org_a);
        let reply = w
            .call(&w.data(), Method::GET, &path, w.t.admin_a, None)
            .await;
        let key = list.rsplit('/').next().unwrap();
        reply.body[key].as_array().unwrap().len()
    };
    assert_eq!(tile(&page, "SMS"), count("sms/messages").await.to_string());
    assert_eq!(
        tile(&page, "Voicemails"),
        count("mightycall/voicemails").await.to_string()
    );
    assert_eq!(tile(&page, "SMS"), "4", "three here and the fixtures' one");

    assert_eq!(
        page.html.matches("<rect class=\"h").count(),
        168,
        "a cell per hour of the week"
    );
    let agents = w
        .call(
            &w.data(),
            Method::GET,
            &format!(
                "/api/mightycall/reports?type=agents&orgId={}&limit=500",
                w.t.org_a
            ),
            w.t.admin_a,
            None,
        )
        .await;
    let mut expected: Vec<(i64, String)> = agents.body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["total"].as_i64().unwrap(),
                r["agent_extension"].as_str().unwrap_or("(none)").to_owned(),
            )
        })
        .collect();
    expected.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let section = &page.html
        [page.html.find("Busiest agents").unwrap()..page.html.find("Busiest numbers").unwrap()];
    let shown: Vec<&str> = section
        .split("<th scope=\"row\">")
        .skip(1)
        .map(|row| &row[..row.find('<').unwrap()])
        .collect();
    let top: Vec<&str> = expected.iter().take(5).map(|(_, a)| a.as_str()).collect();
    assert_eq!(shown, top);

    assert!(page.html.contains("data-refresh=\"60\""));
    assert!(
        page.html.contains("<strong>1</strong> on a call"),
        "{}",
        page.html
    );
    assert!(page.html.contains("<strong>1</strong> ringing"));
}
