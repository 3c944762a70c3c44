//! Access tokens with Supabase's claims, and the session and user bodies GoTrue answers with.

use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::state::{Issued, Shared, User};

pub(crate) fn user_json(user: &User) -> Value {
    let factors: Vec<Value> = user
        .factor
        .iter()
        .map(|(id, _)| {
            json!({
                "id": id,
                "friendly_name": "Authenticator app",
                "factor_type": "totp",
                "status": "verified",
                "created_at": user.created_at.to_rfc3339(),
                "updated_at": user.created_at.to_rfc3339(),
            })
        })
        .collect();
    json!({
        "id": user.id,
        "aud": "authenticated",
        "role": "authenticated",
        "email": user.email,
        "email_confirmed_at": user.created_at.to_rfc3339(),
        "phone": "",
        "app_metadata": { "provider": "email", "providers": ["email"] },
        "user_metadata": {},
        "factors": factors,
        "created_at": user.created_at.to_rfc3339(),
        "updated_at": user.created_at.to_rfc3339(),
        "is_anonymous": false,
    })
}

/// `{"access_token","token_type","expires_in","expires_at","refresh_token","user"}`.
pub(crate) fn session_json(
    shared: &Shared,
    issued: &Issued,
) -> Result<Value, jsonwebtoken::errors::Error> {
    let now = Utc::now().timestamp();
    let ttl = i64::try_from(shared.config.access_ttl.as_secs()).unwrap_or(3600);
    let session = &issued.session;
    let claims = json!({
        "iss": shared.issuer,
        "sub": issued.user.id,
        "aud": "authenticated",
        "exp": now + ttl,
        "iat": now,
        "email": issued.user.email,
        "phone": "",
        "app_metadata": { "provider": "email", "providers": ["email"] },
        "user_metadata": {},
        "role": "authenticated",
        "aal": if session.aal2 { "aal2" } else { "aal1" },
        "amr": session.amr.iter().map(|(method, at)| json!({ "method": method, "timestamp": at })).collect::<Vec<_>>(),
        "session_id": session.id,
        "is_anonymous": false,
    });
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(shared.config.jwt_secret.as_bytes()),
    )?;
    Ok(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": ttl,
        "expires_at": now + ttl,
        "refresh_token": issued.refresh_token,
        "user": user_json(&issued.user),
    }))
}
