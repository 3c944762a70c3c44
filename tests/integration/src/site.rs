//! The pages' site for tests: the web function's router (in-process, or served on loopback for a
//! real browser), the fake Supabase Auth with the seeded users, and a cookie jar for requests
//! without a browser.

use std::collections::BTreeMap;

use crate::World;
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use http_body_util::BodyExt;
use supabase_fake::{FakeAuthConfig, FakeAuthHandle, FakeSupabaseAuth};
use test_harness::identity::{ISSUER, JWT_SECRET, core_config};
use tower::ServiceExt;
use uuid::Uuid;

pub const PASSWORD: &str = "a-long-test-password";

pub struct Site {
    pub w: World,
    pub auth: FakeAuthHandle,
    pub router: Router,
}

pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub html: String,
    /// The body as sent (audio, a CSV file).
    pub bytes: axum::body::Bytes,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// The value of hidden input `csrf` in the page.
    pub fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field");
        let rest = &self.html[at + "name=\"csrf\" value=\"".len()..];
        rest[..rest.find('"').unwrap()].to_owned()
    }
}

/// Cookies as a browser keeps them: set, replaced, deleted by `Max-Age=0`.
#[derive(Clone, Default)]
pub struct Jar(pub BTreeMap<String, String>);

impl Jar {
    pub fn take(&mut self, page: &Page) {
        for cookie in page.set_cookies() {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if cookie.contains("Max-Age=0") {
                self.0.remove(name);
            } else {
                self.0.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

pub fn email(user: Uuid) -> String {
    format!("{user}@example.test")
}

impl Site {
    /// The seeded world, each seeded user able to sign in with [`PASSWORD`].
    pub async fn new() -> Self {
        Self::on(World::new().await).await
    }

    /// Orgs A and B connected to fake MightyCall accounts 0 and 1, with `resources` synced.
    pub async fn synced(resources: &[domain::Resource]) -> Self {
        let w = World::connected(mightycall_fake::FakeConfig::default()).await;
        for org in [w.t.org_a, w.t.org_b] {
            for resource in resources {
                crate::world::succeeded(&w.sync_job(org, *resource).await);
            }
        }
        Self::on(w).await
    }

    /// The site over world `w`, each seeded user able to sign in with [`PASSWORD`].
    pub async fn on(w: World) -> Self {
        let mut config = FakeAuthConfig::new(JWT_SECRET);
        config.issuer = Some(ISSUER.to_owned());
        let auth = FakeSupabaseAuth::start(config).await.unwrap();
        let t = &w.t;
        for user in [
            t.admin_a,
            t.manager_a,
            t.agent_a,
            t.admin_b,
            t.manager_b,
            t.agent_b,
            t.platform_admin,
            t.outsider,
        ] {
            auth.add_user_with_id(user, &email(user), PASSWORD, false);
        }
        let state = web_pages::WebState::build(
            web_pages::WebConfig {
                core: core_config(),
                supabase: web_pages::SupabaseConfig {
                    url: auth.base_url().parse().unwrap(),
                    anon_key: auth.anon_key(),
                },
                wiring: w.wiring(),
            },
            w.deps.clone(),
        )
        .await
        .unwrap();
        let router = web_pages::routes::router(state);
        Self { w, auth, router }
    }

    /// Serves the site on a free loopback port until the test ends; returns its base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let router = self.router.clone();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{addr}")
    }

    pub async fn request(
        &self,
        method: &str,
        path: &str,
        jar: &Jar,
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        self.request_with(method, path, jar, &[], form).await
    }

    /// [`Site::request`] with more request headers.
    pub async fn request_with(
        &self,
        method: &str,
        path: &str,
        jar: &Jar,
        headers: &[(&str, &str)],
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if !jar.0.is_empty() {
            request = request.header("cookie", jar.header());
        }
        let body = match form {
            Some(fields) => {
                request = request.header("content-type", "application/x-www-form-urlencoded");
                Body::from(
                    fields
                        .iter()
                        .map(|(k, v)| format!("{k}={}", urlencode(v)))
                        .collect::<Vec<_>>()
                        .join("&"),
                )
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            html: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    pub async fn get(&self, path: &str, jar: &Jar) -> Page {
        self.request("GET", path, jar, None).await
    }

    /// Signs `user` in with a password through the sign-in page; the jar then holds the session.
    pub async fn sign_in(&self, user: Uuid) -> Jar {
        let (jar, signed) = self.password_step(user).await;
        assert_eq!(signed.location(), Some("/"), "{}", signed.html);
        assert!(jar.0.contains_key("vs_session"));
        jar
    }

    /// Gives `user`'s password on the sign-in page: the jar, and the answer (a redirect to the
    /// start page, or to the code step for a user with a factor).
    pub async fn password_step(&self, user: Uuid) -> (Jar, Page) {
        let mut jar = Jar::default();
        let form = self.get("/login", &jar).await;
        assert_eq!(form.status, 200, "{}", form.html);
        jar.take(&form);
        let address = email(user);
        let signed = self
            .request(
                "POST",
                "/login",
                &jar,
                Some(&[
                    ("csrf", &form.csrf()),
                    ("email", &address),
                    ("password", PASSWORD),
                ]),
            )
            .await;
        assert_eq!(signed.status, 303, "{}", signed.html);
        jar.take(&signed);
        (jar, signed)
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
