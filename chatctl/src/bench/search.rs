//! `chatctl bench --search`: fills many messages over many chats through the store (bulk
//! SQL), lets chatd's own indexer index them, then measures `GET /api/messages/search` over
//! real HTTP for one user who is a member of some of those chats.

// Figures for a report: f64 precision is plenty.
#![allow(clippy::cast_precision_loss)]

use std::time::Instant;

use chatd::auth::{TokenKeys, load_or_create_secret};
use chatd::config::Secret;
use chatd::search::Indexer;
use chatd::store::{NewSession, NewUser, Store};
use common::api::SearchResults;
use common::client::{Client, Tokens};
use common::ids::{ChatId, SessionId, UserId};
use reqwest::Method;
use serde::Serialize;
use uuid::Uuid;

use super::report::Percentiles;
use crate::cli::BenchArgs;
use crate::context::Context;
use crate::output::{Failure, Outcome};

/// Words per generated message.
const WORDS: i32 = 12;
/// Queries as people type them: rare and common words, phrases, exclusions, other scripts.
const QUERIES: [&str; 10] = [
    "deploy",
    "team",
    "team deploy",
    "\"team meeting\"",
    "deploy -team",
    "東京",
    "отчёт",
    "straße",
    "kelavo",
    "rimato OR sevadu",
];

/// The report.
#[derive(Debug, Serialize)]
struct SearchReport {
    messages: usize,
    chats: usize,
    member_of: usize,
    fill_secs: f64,
    index_secs: f64,
    queries: usize,
    results_avg: f64,
    latency_ms: Option<Percentiles>,
}

/// A vocabulary of 1,728 made-up words (three syllables of twelve) plus a few common ones
/// (repeated to be common).
fn vocabulary() -> Vec<String> {
    let syllables = [
        "ka", "le", "vo", "ri", "ma", "to", "se", "va", "du", "ni", "pe", "lo",
    ];
    let mut words = Vec::new();
    'outer: for a in syllables {
        for b in syllables {
            for c in syllables {
                words.push(format!("{a}{b}{c}"));
                if words.len() == 2000 {
                    break 'outer;
                }
            }
        }
    }
    for (word, times) in [
        ("team", 30),
        ("meeting", 10),
        ("deploy", 10),
        ("東京タワー", 3),
        ("отчёт", 3),
        ("straße", 3),
    ] {
        words.extend(std::iter::repeat_n(word.to_owned(), times));
    }
    words
}

/// Runs the search benchmark.
pub async fn run(ctx: &Context, args: &BenchArgs) -> Outcome {
    if args.search_member_of > args.search_chats || args.search_chats == 0 {
        return Err(Failure::usage(
            "--search-member-of must be at most --search-chats",
        ));
    }
    let store = ctx.store().await?;
    let (searcher, token) = make_user(ctx, &store).await?;
    let others = store
        .create_user(&NewUser {
            id: UserId::new(),
            username: &format!("bench-{}", &Uuid::now_v7().simple().to_string()[20..]),
            password_hash: "x",
            display_name: None,
            invite_hash: None,
        })
        .await
        .map_err(|e| Failure::failed(e.to_string()))?
        .id;
    let started = Instant::now();
    let chats = make_chats(&store, searcher, others, args).await?;
    let per_chat = (args.search_messages / args.search_chats) as i64;
    let words = vocabulary();
    for (i, chat) in chats.iter().enumerate() {
        store
            .bench_fill_chat(*chat, &[searcher, others], per_chat, WORDS, &words)
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        if (i + 1) % 100 == 0 {
            eprintln!("bench: {} of {} chats filled", i + 1, chats.len());
        }
    }
    let fill_secs = started.elapsed().as_secs_f64();
    eprintln!("bench: filled in {fill_secs:.0} s; indexing…");
    let started = Instant::now();
    let indexer = Indexer::new(store.clone());
    while indexer
        .round()
        .await
        .map_err(|e| Failure::failed(e.to_string()))?
    {}
    let index_secs = started.elapsed().as_secs_f64();
    eprintln!("bench: indexed in {index_secs:.0} s; searching…");
    let client = Client::new(&super::servers(&args.server)[0])
        .map_err(|e| Failure::failed(e.to_string()))?;
    client.set_tokens(Some(Tokens {
        access_token: token,
        refresh_token: String::new(),
        session_id: SessionId::new(),
    }));
    let mut micros = Vec::with_capacity(args.search_queries);
    let mut results = 0usize;
    for i in 0..args.search_queries {
        let q = QUERIES[i % QUERIES.len()];
        let t = Instant::now();
        let found: SearchResults = client
            .send(
                client
                    .request(Method::GET, "/api/messages/search")
                    .query(&[("q", q)]),
            )
            .await
            .map_err(|e| Failure::failed(format!("searching {q:?}: {e}")))?;
        micros.push(t.elapsed().as_micros() as u64);
        results += found.results.len();
    }
    let report = SearchReport {
        messages: per_chat as usize * chats.len(),
        chats: chats.len(),
        member_of: args.search_member_of,
        fill_secs,
        index_secs,
        queries: micros.len(),
        results_avg: results as f64 / micros.len().max(1) as f64,
        latency_ms: Percentiles::of(&micros),
    };
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| Failure::failed(e.to_string()))?
        );
    } else {
        println!(
            "search bench: {} messages in {} chats, searcher in {}",
            report.messages, report.chats, report.member_of
        );
        println!(
            "fill {:.0} s, index {:.0} s",
            report.fill_secs, report.index_secs
        );
        if let Some(p) = &report.latency_ms {
            println!(
                "{} queries, {:.1} results each: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                report.queries, report.results_avg, p.p50, p.p95, p.p99, p.max
            );
        }
    }
    Ok(())
}

async fn make_user(ctx: &Context, store: &Store) -> Result<(UserId, String), Failure> {
    let secret = load_or_create_secret(
        ctx.config.auth.jwt_secret.as_ref().map(Secret::expose),
        &ctx.config.data_dir,
    )
    .map_err(|e| Failure::failed(format!("the server's token key: {e:#}")))?;
    let keys = TokenKeys::new(&secret, 24 * 3600)
        .map_err(|e| Failure::failed(format!("the server's token key: {e:#}")))?;
    let name = format!("bench-{}", &Uuid::now_v7().simple().to_string()[20..]);
    let user = store
        .create_user(&NewUser {
            id: UserId::new(),
            username: &name,
            password_hash: "not-for-login",
            display_name: None,
            invite_hash: None,
        })
        .await
        .map_err(|e| Failure::failed(format!("creating {name}: {e}")))?;
    let session = SessionId::new();
    store
        .create_session(&NewSession {
            id: session,
            user_id: user.id,
            user_agent: Some("chatctl-bench"),
            ip: None,
            refresh_hash: session.as_uuid().as_bytes(),
            expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(1),
        })
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let token = keys
        .issue(user.id, session)
        .map_err(|e| Failure::failed(e.to_string()))?;
    Ok((user.id, token))
}

/// Groups owned by `other`; the searcher joins the first `member_of` of them.
async fn make_chats(
    store: &Store,
    searcher: UserId,
    other: UserId,
    args: &BenchArgs,
) -> Result<Vec<ChatId>, Failure> {
    let chats_service = chatd::chats::ChatService::new(
        store.clone(),
        chatd::hub::Hub::new(std::sync::Arc::new(chatd::fanout::LocalBus::new(
            chatd::fanout::Registry::new(),
        ))),
    );
    let mut chats = Vec::with_capacity(args.search_chats);
    for i in 0..args.search_chats {
        let members = if i < args.search_member_of {
            vec![searcher]
        } else {
            Vec::new()
        };
        let chat = chats_service
            .create_group(
                other,
                &common::api::CreateGroupRequest {
                    name: format!("search bench {i}"),
                    slug: None,
                    participant_ids: members,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| Failure::failed(format!("creating a group: {e}")))?;
        chats.push(chat.chat.id);
    }
    Ok(chats)
}
