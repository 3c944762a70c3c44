//! The pages, each a handler that opens the viewer's scope, reads through the store like the API,
//! and renders with [`layout`].

pub mod assets;
pub mod dashboard;
pub mod home;
pub mod layout;
pub mod sign_in;
