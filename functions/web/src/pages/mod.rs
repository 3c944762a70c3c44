//! The pages, each a handler that opens the viewer's scope, reads through the store like the API,
//! and renders with [`layout`].

pub mod assets;
pub mod call;
pub mod calls;
pub mod dashboard;
mod dashboard_parts;
pub mod directory;
pub mod format;
pub mod home;
pub mod invite;
pub mod layout;
pub mod live;
pub mod media;
pub mod missed_calls;
pub mod playback;
pub mod posted;
pub mod range;
pub mod reports;
pub mod second_factor;
pub mod sign_in;
pub mod sms;
pub mod sync;
