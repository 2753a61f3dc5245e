//! `chat-tui`, the full-screen terminal client for chatd: a pure reducer (`state`), a network
//! task (`net`), render functions of the state (`ui`), and the terminal loop (`app`).

pub mod app;
pub mod bench;
pub mod bench_cache;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod drafts;
pub mod format;
pub mod keymap;
pub mod net;
pub mod panics;
#[cfg(feature = "graphics")]
pub mod preview;
#[cfg(not(feature = "graphics"))]
#[path = "preview_off.rs"]
pub mod preview;
pub mod private_file;
pub mod sanitize;
pub mod session;
pub mod state;
pub mod ui;
