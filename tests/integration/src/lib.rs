//! Holds no code: the tests live in `tests/`, one binary per area so each starts one database server.
