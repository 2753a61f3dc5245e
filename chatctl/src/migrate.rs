//! `chatctl migrate`: which of the migrations built into this version are applied, applying
//! the pending ones, and a check for scripts and health probes.

use serde::Serialize;
use serde_json::json;

use crate::cli::MigrateCommand;
use crate::context::Context;
use crate::output::{self, Failure, Outcome};

/// One migration and its state in the database.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationStatus {
    /// The version (timestamp prefix of the file).
    pub version: i64,
    /// The description.
    pub description: String,
    /// `applied`, `pending`, `failed` (applied half-way), `changed` (the file differs from
    /// what was applied) or `unknown` (applied by a newer chatd).
    pub state: &'static str,
    /// When it was applied.
    #[serde(with = "time::serde::rfc3339::option")]
    pub applied_at: Option<time::OffsetDateTime>,
}

/// Every migration known to this build or recorded in the database, oldest first.
pub async fn statuses(store: &chatd::store::Store) -> Result<Vec<MigrationStatus>, Failure> {
    let applied = store.applied_migrations().await?;
    let mut out = Vec::new();
    for migration in chatd::store::MIGRATOR.iter() {
        if migration.migration_type.is_down_migration() {
            continue;
        }
        let row = applied.iter().find(|a| a.version == migration.version);
        let state = match row {
            None => "pending",
            Some(a) if !a.success => "failed",
            Some(a) if a.checksum.as_slice() != &*migration.checksum => "changed",
            Some(_) => "applied",
        };
        out.push(MigrationStatus {
            version: migration.version,
            description: migration.description.to_string(),
            state,
            applied_at: row.map(|a| a.installed_on),
        });
    }
    for a in &applied {
        if !out.iter().any(|m| m.version == a.version) {
            out.push(MigrationStatus {
                version: a.version,
                description: a.description.clone(),
                state: "unknown",
                applied_at: Some(a.installed_on),
            });
        }
    }
    out.sort_by_key(|m| m.version);
    Ok(out)
}

pub async fn run(ctx: &Context, cmd: MigrateCommand) -> Outcome {
    let store = ctx.store().await?;
    match cmd {
        MigrateCommand::Status => {
            let list = statuses(&store).await?;
            print(ctx, &list)
        }
        MigrateCommand::Run => {
            let before = statuses(&store).await?;
            let pending: Vec<i64> = before
                .iter()
                .filter(|m| m.state == "pending")
                .map(|m| m.version)
                .collect();
            store
                .migrate()
                .await
                .map_err(|e| Failure::failed(format!("applying migrations: {e}")))?;
            if !pending.is_empty() {
                ctx.audit(&store, "admin.migrate", None, json!({ "applied": pending }))
                    .await?;
            }
            eprintln!("applied {} migration(s)", pending.len());
            print(ctx, &statuses(&store).await?)
        }
        MigrateCommand::Check => {
            let list = statuses(&store).await?;
            let broken: Vec<String> = list
                .iter()
                .filter(|m| matches!(m.state, "failed" | "changed"))
                .map(|m| format!("{} ({})", m.version, m.state))
                .collect();
            if !broken.is_empty() {
                return Err(Failure::failed(format!(
                    "migrations need attention: {}",
                    broken.join(", ")
                )));
            }
            let pending = list.iter().filter(|m| m.state == "pending").count();
            if pending > 0 {
                return Err(Failure {
                    code: 3,
                    message: format!(
                        "{pending} migration(s) pending; apply them with `chatctl migrate run` \
                         (chatd also applies them when it starts)"
                    ),
                });
            }
            if ctx.json {
                output::json(&json!({ "pending": 0, "current": true }))
            } else {
                println!("migrations current");
                Ok(())
            }
        }
    }
}

fn print(ctx: &Context, list: &[MigrationStatus]) -> Outcome {
    if ctx.json {
        return output::json(&list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|m| {
            vec![
                m.version.to_string(),
                m.state.to_owned(),
                output::time(m.applied_at),
                m.description.clone(),
            ]
        })
        .collect();
    output::table(&["VERSION", "STATE", "APPLIED AT", "DESCRIPTION"], &rows);
    Ok(())
}
