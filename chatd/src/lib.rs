//! `chatd`, the chat server, as a library: `main` parses configuration and calls [`run`];
//! tests and `chatctl` use the same pieces.

pub mod auth;
pub mod cli;
pub mod config;
pub mod embedded_pg;
pub mod error;
pub mod http;
pub mod ratelimit;
pub mod server;
pub mod store;
pub mod telemetry;
pub mod users;

pub use server::{Server, run};
