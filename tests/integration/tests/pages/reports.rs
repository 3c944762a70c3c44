//! The reports page: each report's rows and figures are the API's, for the org's members only.

use axum::http::Method;
use integration_tests::site::{Page, Site};

/// The first column and the calls column of every row, as the page shows them.
fn rows(page: &Page) -> Vec<(String, String)> {
    page.html
        .split("<th scope=\"row\" data-sort=\"")
        .skip(1)
        .map(|row| {
            let label_at = row.find('>').unwrap() + 1;
            let label = row[label_at..row.find("</th>").unwrap()].replace("&amp;", "&");
            let calls_cell = row.split("<td class=\"num\" data-sort=\"").nth(1).unwrap();
            (
                label,
                calls_cell[..calls_cell.find('"').unwrap()].to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_report_shows_the_apis_figures() {
    let site = Site::new().await;
    let w = &site.w;
    w.db.admin()
        .await
        .execute(
            "insert into calls (org_id, external_id, started_at, direction, status, duration_ms,
                                business_number, agent_extension)
             select $1, 'r' || i, now() - i * interval '5 hours', 'incoming',
                    (array['connected','missed'])[1 + i % 2], 30000,
                    (array['+12125550100','+12125550199'])[1 + i % 2], (array['101','102','103'])[1 + i % 3]
             from generate_series(1, 90) i",
            &[&w.t.org_a],
        )
        .await
        .unwrap();
    let jar = site.sign_in(w.t.manager_a).await;
    for (kind, key) in [
        ("daily", "day"),
        ("agents", "agent_extension"),
        ("numbers", "business_number"),
    ] {
        let page = site
            .get(&format!("/orgs/{}/reports?type={kind}", w.t.org_a), &jar)
            .await;
        assert_eq!(page.status, 200, "{kind}: {}", page.html);
        let api = w
            .call(
                &w.data(),
                Method::GET,
                &format!(
                    "/api/mightycall/reports?type={kind}&orgId={}&limit=500",
                    w.t.org_a
                ),
                w.t.manager_a,
                None,
            )
            .await;
        let expected: Vec<(String, String)> = api.body["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let label = r[key].as_str().map_or("(none)".to_owned(), str::to_owned);
                (label, r["total"].to_string())
            })
            .collect();
        let shown: Vec<(String, String)> = rows(&page)
            .into_iter()
            .map(|(label, calls)| (label.split(" · ").next().unwrap().to_owned(), calls))
            .collect();
        assert_eq!(shown, expected, "{kind}");
        assert!(
            expected.iter().any(|(_, calls)| calls != "0"),
            "{kind} has calls"
        );
    }
    let hourly = site
        .get(&format!("/orgs/{}/reports?type=hourly", w.t.org_a), &jar)
        .await;
    assert_eq!(rows(&hourly).len(), 168);

    for (path, status) in [
        (format!("/orgs/{}/reports?type=weekly", w.t.org_a), 400),
        (format!("/orgs/{}/reports?type=daily", w.t.org_b), 404),
    ] {
        assert_eq!(site.get(&path, &jar).await.status, status, "{path}");
    }
}
