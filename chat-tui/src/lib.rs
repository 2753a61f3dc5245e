//! `chat-tui`, the full-screen terminal client for chatd, as a library: today only its
//! command line, so that the man page and completions are generated from the real definition.

pub mod cli;
