use axum::http::Method;
use integration_tests::World;
use serde_json::{Value, json};
use uuid::Uuid;

/// The admin routes of org `org`, with a body that would succeed for an org admin.
pub fn admin_routes(
    world: &World,
    org: Uuid,
    member: Uuid,
) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (
            Method::GET,
            format!("/api/admin/orgs/{org}/integrations"),
            None,
        ),
        (
            Method::POST,
            format!("/api/admin/orgs/{org}/integrations"),
            Some(world.integration_body(0)),
        ),
        (
            Method::PATCH,
            format!("/api/admin/orgs/{org}/integrations/mightycall"),
            Some(json!({ "enabled": false })),
        ),
        (
            Method::DELETE,
            format!("/api/admin/orgs/{org}/integrations/mightycall"),
            None,
        ),
        (Method::GET, format!("/api/admin/orgs/{org}/members"), None),
        (
            Method::POST,
            format!("/api/admin/orgs/{org}/invites"),
            Some(json!({ "email": "new.person@example.test", "role": "agent" })),
        ),
        (
            Method::PATCH,
            format!("/api/admin/orgs/{org}/members/{member}"),
            Some(json!({ "role": "org_manager" })),
        ),
        (
            Method::PUT,
            format!("/api/admin/orgs/{org}/members/{member}"),
            Some(json!({ "mightycall_extension": "201" })),
        ),
        (
            Method::DELETE,
            format!("/api/admin/orgs/{org}/members/{member}"),
            None,
        ),
        (Method::GET, format!("/api/admin/orgs/{org}/audit"), None),
    ]
}
