//! What every page of one org opens first: the viewer, their authorised scope in that org (another
//! org's id, or a malformed one, is the 404 page), and the orgs for the switcher.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use domain::OrgId;
use store::access::Access;
use store::orgs::OrgWithRole;
use web::{Need, OrgScope, RequestId, UserScope};

use crate::WebState;
use crate::errors::PageError;
use crate::pages::layout::Shell;
use crate::viewer::viewer;

pub struct OrgPage {
    pub scope: OrgScope,
    pub orgs: Vec<OrgWithRole>,
    /// What the viewer may do here, for the buttons a page shows (the routes check again).
    pub access: Access,
    csrf: String,
}

impl OrgPage {
    pub async fn open(
        state: &WebState,
        headers: &HeaderMap,
        request_id: RequestId,
        org: &str,
        need: Need,
    ) -> Result<Self, PageError> {
        let viewer = viewer(state, headers, request_id).await?;
        let org: OrgId = org
            .parse()
            .map_err(|_| PageError::from(web::ApiError::NotFound("organization")))?;
        let user = UserScope::open(&state.core, viewer.caller).await?;
        let admin = store::profiles::is_platform_admin(user.tx(), user.user_id()).await?;
        let orgs = store::orgs::orgs_for_user(user.tx(), user.user_id(), admin).await?;
        let scope = user.into_org(Some(org), need).await?;
        let access = store::access::access(scope.tx(), scope.user_id(), scope.org).await?;
        Ok(Self {
            scope,
            orgs,
            access,
            csrf: viewer.session.csrf,
        })
    }

    /// The org's terms as the viewer reads them: its zone, its targets, whose calls they see.
    pub async fn terms(&self) -> Result<store::reports::ReportTerms, PageError> {
        store::reports::terms(self.scope.tx(), self.scope.org)
            .await?
            // The open scope has just found the org under the same RLS.
            .ok_or_else(|| web::ApiError::NotFound("organization").into())
    }

    /// The shell of `page` in this org.
    pub fn shell(&self, page: &'static str) -> Shell<'_> {
        Shell {
            current: self.orgs.iter().find(|o| o.id == self.scope.org),
            orgs: &self.orgs,
            page,
            csrf: &self.csrf,
            access: Some(self.access),
            platform: self.access.platform_admin,
        }
    }

    /// The form token the page's forms carry.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// The page. Reading pages commit nothing: the transaction just ends.
    pub fn respond(self, body: impl IntoResponse) -> Response {
        body.into_response()
    }

    /// The scope, for an answer that owns the transaction (a CSV download).
    pub fn into_scope(self) -> OrgScope {
        self.scope
    }
}
