//! The pages, each a handler that opens the viewer's scope, reads through the store like the API,
//! and renders with [`layout`].

pub mod assets;
pub mod audit;
pub mod call;
pub mod calls;
pub mod dashboard;
mod dashboard_parts;
pub mod directory;
pub mod format;
mod forms;
pub mod home;
pub mod integration;
pub mod invite;
pub mod layout;
pub mod live;
pub mod media;
pub mod missed_calls;
pub mod platform;
pub mod playback;
pub mod range;
pub mod reports;
pub mod second_factor;
pub mod settings;
pub mod sign_in;
pub mod sms;
pub mod sync;
pub mod team;
