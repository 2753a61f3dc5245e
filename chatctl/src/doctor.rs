//! `chatctl doctor`: one line per check (configuration, PostgreSQL, migrations, Redis, data
//! directory, clock, and the SMTP server when mail is on), each ok or failed with a hint;
//! exit 1 when any failed.

use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;

use crate::context::{Context, probe_writable};
use crate::output::{self, Failure, Outcome};

/// The largest accepted difference between this machine's clock and PostgreSQL's.
const CLOCK_SKEW_MAX: Duration = Duration::from_secs(5);

/// The result of one check.
#[derive(Debug, Serialize)]
struct Check {
    #[serde(rename = "check")]
    name: &'static str,
    /// `ok`, `fail` or `skip`.
    status: &'static str,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    hint: Option<String>,
}

fn ok(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: "ok",
        detail: detail.into(),
        hint: None,
    }
}

fn fail(name: &'static str, detail: impl Into<String>, hint: impl Into<String>) -> Check {
    Check {
        name,
        status: "fail",
        detail: detail.into(),
        hint: Some(hint.into()),
    }
}

fn skip(name: &'static str, detail: impl Into<String>) -> Check {
    Check {
        name,
        status: "skip",
        detail: detail.into(),
        hint: None,
    }
}

pub async fn run(ctx: &Context) -> Outcome {
    let mut checks = vec![ok(
        "configuration",
        format!(
            "valid ({}; database: {}; redis: {})",
            ctx.config_file.as_ref().map_or_else(
                || "no file: defaults, environment and flags".to_owned(),
                |f| format!("file {}", f.display())
            ),
            if ctx.config.database.url.is_some() {
                "external"
            } else {
                "embedded"
            },
            if ctx.config.redis.url.is_some() {
                "configured"
            } else {
                "not configured"
            },
        ),
    )];
    match ctx.store().await {
        Ok(store) => {
            checks.push(match store.server_version().await {
                Ok(version) => ok("postgresql", format!("reachable, PostgreSQL {version}")),
                Err(e) => fail(
                    "postgresql",
                    e.to_string(),
                    "check the database role's rights",
                ),
            });
            checks.push(match crate::migrate::statuses(&store).await {
                Ok(list) => {
                    let not_applied: Vec<String> = list
                        .iter()
                        .filter(|m| m.state != "applied")
                        .map(|m| format!("{} {}", m.version, m.state))
                        .collect();
                    if not_applied.is_empty() {
                        ok("migrations", format!("current ({} applied)", list.len()))
                    } else {
                        fail(
                            "migrations",
                            not_applied.join(", "),
                            "run `chatctl migrate run` (chatd also applies them at start)",
                        )
                    }
                }
                Err(e) => fail("migrations", e.to_string(), "see `chatctl migrate status`"),
            });
            checks.push(clock(&store).await);
        }
        Err(Failure { message, .. }) => {
            let (detail, hint) = message.split_once("\nhint: ").map_or(
                (message.as_str(), "check database.url (CHATD_DATABASE_URL)"),
                |(d, h)| (d, h),
            );
            checks.push(fail("postgresql", detail, hint));
            checks.push(skip("migrations", "PostgreSQL not reachable"));
            checks.push(skip("clock", "PostgreSQL not reachable"));
        }
    }
    checks.push(redis(ctx).await);
    // Only a server that sends mail has an SMTP server to reach.
    if ctx.config.email.enabled {
        checks.push(match crate::email::check(&ctx.config.email).await {
            Ok(detail) => ok("smtp", detail),
            Err((detail, hint)) => fail("smtp", detail, hint),
        });
    }
    checks.push(match probe_writable(&ctx.config.data_dir) {
        Ok(detail) => ok("data directory", detail),
        Err(e) => fail(
            "data directory",
            e,
            "run chatctl as the user chatd runs as (e.g. `sudo -u chatd chatctl doctor`), or \
             fix the directory's owner and mode",
        ),
    });
    let failed = checks.iter().filter(|c| c.status == "fail").count();
    if ctx.json {
        output::json(&serde_json::json!({ "ok": failed == 0, "checks": checks }))?;
    } else {
        for c in &checks {
            println!("{:<5} {:<15} {}", c.status, c.name, c.detail);
            if let Some(hint) = &c.hint {
                println!("      {:<15} hint: {hint}", "");
            }
        }
    }
    if failed > 0 {
        return Err(Failure::failed(format!("{failed} check(s) failed")));
    }
    Ok(())
}

async fn clock(store: &chatd::store::Store) -> Check {
    let before = OffsetDateTime::now_utc();
    match store.database_now().await {
        Ok(db_now) => {
            let db_now: OffsetDateTime = db_now;
            let after = OffsetDateTime::now_utc();
            // Compare with the middle of the round trip, so latency does not count as skew.
            let round_trip: time::Duration = after - before;
            let local = before + round_trip / 2_i32;
            let diff: time::Duration = db_now - local;
            let skew = diff.abs();
            let detail = format!(
                "PostgreSQL's clock is {:.3} s {} this machine's",
                skew.as_seconds_f64(),
                if db_now >= local {
                    "ahead of"
                } else {
                    "behind"
                }
            );
            if skew <= CLOCK_SKEW_MAX {
                ok("clock", detail)
            } else {
                fail(
                    "clock",
                    detail,
                    "synchronize both machines with NTP (e.g. systemd-timesyncd or chrony); \
                     token expiry and message times depend on it",
                )
            }
        }
        Err(e) => fail(
            "clock",
            e.to_string(),
            "PostgreSQL did not answer SELECT now()",
        ),
    }
}

async fn redis(ctx: &Context) -> Check {
    let Some(url) = &ctx.config.redis.url else {
        return skip("redis", "not configured (single node)");
    };
    let ping = async {
        let client = redis::Client::open(url.expose())?;
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(Duration::from_secs(5), ping).await {
        Ok(Ok(_)) => ok("redis", format!("reachable at {}", url.redacted())),
        Ok(Err(e)) => fail(
            "redis",
            format!("{}: {e}", url.redacted()),
            "check redis.url (CHATD_REDIS_URL) and that Redis runs",
        ),
        Err(_) => fail(
            "redis",
            format!("{}: no answer within 5 s", url.redacted()),
            "check redis.url (CHATD_REDIS_URL), the network and firewall",
        ),
    }
}
