//! `cargo xtask gen` writes the man pages (`man/`) and shell completions (`completions/`)
//! of chatd, chatctl and chat-tui from their clap definitions, and chatd's OpenAPI document
//! (`docs/openapi.json`) from its handlers; `cargo xtask check` exits 1 when a committed
//! file differs from what `gen` would write.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Command, CommandFactory};

use clap_complete::Shell;

/// File path (relative to the workspace root) -> content.
type Files = BTreeMap<PathBuf, Vec<u8>>;

fn main() -> ExitCode {
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "gen" => generate_all().and_then(|files| write(&files)),
        "check" => generate_all().and_then(|files| check(&files)),
        _ => {
            eprintln!("usage: cargo xtask gen|check");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("xtask: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Everything `gen` writes.
fn generate_all() -> anyhow::Result<Files> {
    let mut files = Files::new();
    let binaries: [(Command, &str); 3] = [
        (chatd::cli::Cli::command(), "8"),
        (chatctl::cli::Cli::command(), "8"),
        (chat_tui::cli::Cli::command(), "1"),
    ];
    for (mut cmd, section) in binaries {
        cmd.build();
        let name = cmd.get_name().to_owned();
        files.insert(
            PathBuf::from(format!("man/{name}.{section}")),
            man_page(cmd.clone(), section)?,
        );
        if name == "chatctl" || name == "chat-tui" {
            // One page per noun, so that `man chatctl-user` lists the verbs with their flags
            // (and every `chat-tui-<command>(1)` the main page names exists).
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let page_name = format!("{name}-{}", sub.get_name());
                let page = sub.clone().name(page_name.clone()).bin_name(&page_name);
                files.insert(
                    PathBuf::from(format!("man/{page_name}.{section}")),
                    man_page(page, section)?,
                );
            }
        }
        for (shell, file) in [
            (Shell::Bash, format!("{name}.bash")),
            (Shell::Zsh, format!("_{name}")),
            (Shell::Fish, format!("{name}.fish")),
        ] {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd.clone(), &name, &mut out);
            if shell == Shell::Bash {
                out = verbs_first(&out);
            }
            files.insert(PathBuf::from(format!("completions/{file}")), out);
        }
    }
    files.insert(
        PathBuf::from("docs/openapi.json"),
        chatd::http::openapi::document_json()
            .context("serializing the OpenAPI document")?
            .into_bytes(),
    );
    Ok(files)
}

/// A man page with the verbs (SUBCOMMANDS) before the flags: `Man::render`'s own order,
/// but for that swap, so a reader finds what the tool does before how to connect it.
fn man_page(cmd: Command, section: &str) -> anyhow::Result<Vec<u8>> {
    let has_args = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_verbs = cmd.has_subcommands();
    let has_extra = cmd.get_after_long_help().is_some() || cmd.get_after_help().is_some();
    let has_version = cmd.get_version().is_some() || cmd.get_long_version().is_some();
    let has_author = cmd.get_author().is_some();
    let man = clap_mangen::Man::new(cmd)
        .section(section)
        .manual("chat suite");
    let mut out = Vec::new();
    man.render_title(&mut out)
        .and_then(|()| man.render_name_section(&mut out))
        .and_then(|()| man.render_synopsis_section(&mut out))
        .and_then(|()| man.render_description_section(&mut out))
        .and_then(|()| {
            if has_verbs {
                man.render_subcommands_section(&mut out)?;
            }
            if has_args {
                man.render_options_section(&mut out)?;
            }
            if has_extra {
                man.render_extra_section(&mut out)?;
            }
            if has_version {
                man.render_version_section(&mut out)?;
            }
            if has_author {
                man.render_authors_section(&mut out)?;
            }
            Ok(())
        })
        .context("rendering a man page")?;
    // Each part starts with the same string definition; one at the top is enough.
    let text = String::from_utf8_lossy(&out);
    let preamble = ".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n";
    let body = text
        .strip_prefix(preamble)
        .unwrap_or(&text)
        .replace(preamble, "");
    Ok(format!("{preamble}{body}").into_bytes())
}

/// bash shows candidates in the order given (`-o nosort`): verbs first, then flags.
fn verbs_first(script: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(script);
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("opts=\"")
            && let Some((words, tail)) = rest.split_once('"')
        {
            let indent = &line[..line.len() - trimmed.len()];
            let (flags, verbs): (Vec<&str>, Vec<&str>) =
                words.split_whitespace().partition(|w| w.starts_with('-'));
            let ordered: Vec<&str> = verbs.into_iter().chain(flags).collect();
            let _ = write!(out, "{indent}opts=\"{}\"{tail}", ordered.join(" "));
        } else {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

fn write(files: &Files) -> anyhow::Result<bool> {
    let root = root();
    for (path, content) in files {
        let full = root.join(path);
        if let Some(dir) = full.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&full, content).with_context(|| format!("writing {}", full.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(true)
}

fn check(files: &Files) -> anyhow::Result<bool> {
    let root = root();
    let mut stale = Vec::new();
    for (path, content) in files {
        match std::fs::read(root.join(path)) {
            Ok(current) if &current == content => {}
            Ok(_) => stale.push(format!("{} differs", path.display())),
            Err(_) => stale.push(format!("{} is missing", path.display())),
        }
    }
    for dir in ["man", "completions"] {
        let entries = std::fs::read_dir(root.join(dir))
            .with_context(|| format!("reading {dir}/"))?
            .filter_map(Result::ok);
        for entry in entries {
            let path = PathBuf::from(dir).join(entry.file_name());
            if !files.contains_key(&path) && entry.file_name() != "README.md" {
                stale.push(format!("{} is not generated any more", path.display()));
            }
        }
    }
    if stale.is_empty() {
        println!(
            "man pages, completions and docs/openapi.json are current ({} files)",
            files.len()
        );
        return Ok(true);
    }
    for line in &stale {
        eprintln!("xtask check: {line}");
    }
    eprintln!("run `cargo xtask gen` and commit the result");
    Ok(false)
}
