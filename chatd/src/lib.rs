//! `chatd`, the chat server, as a library: `main` parses configuration and calls [`run`];
//! tests and `chatctl` use the same pieces.

pub mod auth;
pub mod blocks;
pub mod chat_events;
pub mod chats;
pub mod cli;
pub mod config;
pub mod contacts;
pub mod email;
pub mod embedded_pg;
pub mod error;
pub mod fanout;
pub mod health;
pub mod http;
pub mod hub;
pub mod links;
pub mod media;
pub mod messages;
pub mod metrics;
pub mod notifications;
pub mod private_fs;
pub mod push;
pub mod ratelimit;
pub mod realtime;
pub mod search;
pub mod server;
pub mod state;
pub mod store;
pub mod sync;
pub mod tasks;
pub mod telemetry;
pub mod text;
pub mod user_events;
pub mod users;
pub mod ws;

pub use server::{Server, run};
