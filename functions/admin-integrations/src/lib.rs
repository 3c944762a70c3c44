//! The `admin-integrations` function: an organisation's MightyCall integration, members, invites and audit log (org admins).

pub mod routes;
