//! The `chatctl` binary: parses the command line and hands over to [`chatctl::main_with`].

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    chatctl::main_with(chatctl::cli::Cli::parse())
}
