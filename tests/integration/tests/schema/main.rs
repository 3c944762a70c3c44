//! The schema as a whole: migrations apply and re-apply, the catalog obeys the security rules, and
//! Row Level Security alone keeps tenants apart.

mod catalog;
mod migrations;
mod rls;
