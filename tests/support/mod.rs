//! What the test files share: HTTP against the mock with a worker token ([`api`]), a forwarding
//! gateway in front of a mock that can be told to fail ([`gateway`]), the suite's run
//! configuration for tests and a temporary directory ([`suite`]), and the conformance binary
//! and a standalone `pingone-mock` driven as a user would ([`binaries`]).
//!
//! Each test file that needs it declares `mod support;`; a file uses only part of it, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

pub mod api;
pub mod binaries;
pub mod gateway;
pub mod suite;
