//! The contacts and phone-number pages list what the API lists, for the org's members only.

use axum::http::Method;
use integration_tests::site::{Page, Site};

fn marked(page: &Page, attribute: &str) -> Vec<String> {
    let marker = format!("<tr {attribute}=\"");
    page.html
        .split(&marker)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn contacts_and_numbers_are_the_apis() {
    let site = Site::new().await;
    let w = &site.w;
    let admin = w.db.admin().await;
    admin
        .execute(
            "insert into mightycall_contacts (org_id, external_id, first_name, phones, source_updated_at)
             select $1, 'k' || i, 'Person ' || i, array['+1555100' || lpad(i::text, 4, '0')],
                    now() - i * interval '1 hour'
             from generate_series(1, 120) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    admin
        .execute(
            "insert into phone_numbers (org_id, external_id, number, sms_mode) values ($1, 'n2', '+12125550177', 'enabled')",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.agent_a).await;

    let mut shown = Vec::new();
    let mut path = format!("/orgs/{}/contacts", w.t.org_a);
    loop {
        let page = site.get(&path, &jar).await;
        assert_eq!(page.status, 200, "{}", page.html);
        shown.extend(marked(&page, "data-contact"));
        let Some(at) = page.html.find("class=\"more\" href=\"") else {
            break;
        };
        let rest = &page.html[at + "class=\"more\" href=\"".len()..];
        path = format!(
            "/orgs/{}/contacts{}",
            w.t.org_a,
            &rest[..rest.find('"').unwrap()]
        );
    }
    let api = w
        .call(
            &w.data(),
            Method::GET,
            &format!("/api/mightycall/contacts?orgId={}&limit=500", w.t.org_a),
            w.t.agent_a,
            None,
        )
        .await;
    let expected: Vec<String> = api.body["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() > 100);
    assert_eq!(shown, expected);

    let numbers = site
        .get(&format!("/orgs/{}/numbers", w.t.org_a), &jar)
        .await;
    assert_eq!(numbers.status, 200);
    let api = w
        .call(
            &w.data(),
            Method::GET,
            &format!("/api/mightycall/phone-numbers?orgId={}", w.t.org_a),
            w.t.agent_a,
            None,
        )
        .await;
    let expected: Vec<String> = api.body["phone_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["number"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(expected.len(), 2);
    assert_eq!(marked(&numbers, "data-number"), expected);

    for page in ["contacts", "numbers"] {
        let other = site.get(&format!("/orgs/{}/{page}", w.t.org_b), &jar).await;
        assert_eq!(other.status, 404, "{page}");
        assert!(!other.html.contains("data-"), "{page}");
    }
}

#[tokio::test]
async fn an_org_without_synced_data_says_where_it_comes_from() {
    let site = Site::new().await;
    let w = &site.w;
    w.db.admin()
        .await
        .batch_execute("truncate mightycall_contacts, phone_numbers")
        .await
        .unwrap();
    let jar = site.sign_in(w.t.admin_a).await;
    for page in ["contacts", "numbers"] {
        let shown = site.get(&format!("/orgs/{}/{page}", w.t.org_a), &jar).await;
        assert_eq!(shown.status, 200);
        assert!(
            shown.html.contains("once an org admin has connected it"),
            "{page}"
        );
    }
}
