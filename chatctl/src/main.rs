//! `chatctl`, the operator's CLI for chatd. Its nouns (users, groups, migrations, backups,
//! health, load tests) arrive with their issues; this is the shell they plug into.

use clap::Parser;

/// The operator's CLI for chatd: users, groups, migrations, backups, health, load tests.
#[derive(Debug, Parser)]
#[command(name = "chatctl", version, about, long_about)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    eprintln!("chatctl: no command given; see `chatctl --help`");
    std::process::exit(2);
}
