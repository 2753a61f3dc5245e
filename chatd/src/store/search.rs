//! The search index (`message_search`, `search_progress`) and the search query itself.

use common::ids::{ChatId, MessageId, UserId};
use sqlx::{FromRow, PgConnection};
use time::OffsetDateTime;

use super::messages::MessageRow;
use super::{Store, StoreError};

/// A message as the indexer sees it.
#[derive(Clone, Debug, FromRow)]
pub struct IndexSource {
    /// Id.
    pub id: MessageId,
    /// Chat.
    pub chat_id: ChatId,
    /// Author.
    pub sender_id: Option<UserId>,
    /// Sent.
    pub created_at: OffsetDateTime,
    /// Text; `None` once deleted.
    pub content: Option<String>,
    /// The names of its live attachments, one a line, so a search finds a file by name.
    pub attachment_names: Option<String>,
}

/// A chat's indexing window: events `from < seq <= to` are to be indexed.
#[derive(Clone, Copy, Debug, FromRow)]
pub struct IndexWindow {
    /// Chat.
    pub chat_id: ChatId,
    /// Indexed up to here.
    pub indexed_seq: i64,
    /// The chat's last committed seq.
    pub last_seq: i64,
}

/// What to search for, already authorized to nothing: the query checks membership itself.
#[derive(Clone, Debug)]
pub struct SearchFilter {
    /// The searcher.
    pub viewer: UserId,
    /// A `tsquery` whose lexemes are all quoted.
    pub tsquery: String,
    /// Only this chat.
    pub chat: Option<ChatId>,
    /// Only this author.
    pub from: Option<UserId>,
    /// Sent before.
    pub before: Option<OffsetDateTime>,
    /// Sent after.
    pub after: Option<OffsetDateTime>,
    /// Continue after this `(rank, id)`.
    pub cursor: Option<(f32, MessageId)>,
    /// Rows to read.
    pub limit: i64,
}

/// A match with its rank.
#[derive(Debug, FromRow)]
pub struct SearchRow {
    /// Relevance.
    pub rank: f32,
    /// The message.
    #[sqlx(flatten)]
    pub message: MessageRow,
}

impl Store {
    /// Chats whose index is behind their event log, at most `limit`; among `only` if given.
    pub async fn search_lagging_chats(
        &self,
        only: Option<&[ChatId]>,
        limit: i64,
    ) -> Result<Vec<ChatId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT c.id FROM chats c LEFT JOIN search_progress p ON p.chat_id = c.id \
             WHERE c.last_seq > coalesce(p.indexed_seq, 0) AND ($1::uuid[] IS NULL OR c.id = ANY($1)) \
             LIMIT $2",
        )
        .bind(only)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Chat events not yet indexed, over every chat (the indexer's backlog).
    pub async fn search_backlog(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT coalesce(sum(c.last_seq - coalesce(p.indexed_seq, 0)), 0)::bigint \
             FROM chats c LEFT JOIN search_progress p ON p.chat_id = c.id \
             WHERE c.last_seq > coalesce(p.indexed_seq, 0)",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// The caller's current chats that are not deleted (for catching their index up).
    pub async fn search_scope(&self, viewer: UserId) -> Result<Vec<ChatId>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT cm.chat_id FROM chat_members cm JOIN chats c ON c.id = cm.chat_id \
             WHERE cm.user_id = $1 AND cm.left_at IS NULL AND c.deleted_at IS NULL",
        )
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Messages matching `filter.tsquery` in chats the viewer is a current member of (not
    /// deleted chats, not deleted messages), best first, then newest.
    pub async fn search_messages(&self, f: &SearchFilter) -> Result<Vec<SearchRow>, StoreError> {
        let (cursor_rank, cursor_id) = f.cursor.unzip();
        Ok(sqlx::query_as::<_, SearchRow>(
            // One GIN probe per chat (chat_id, doc): a user's 50 chats never read the
            // postings of the other 950. The page is cut before messages are joined: joining
            // every hit of a common word first costs several times the search itself. A
            // deleted message has left the index once its chat is caught up (every search
            // does that first); the join keeps it out even before.
            "WITH q AS (SELECT $2::tsquery AS q), \
                  mine AS (SELECT cm.chat_id FROM chat_members cm JOIN chats c ON c.id = cm.chat_id \
                           WHERE cm.user_id = $1 AND cm.left_at IS NULL AND c.deleted_at IS NULL \
                             AND ($3::uuid IS NULL OR cm.chat_id = $3)), \
                  hits AS (SELECT s.message_id, ts_rank(s.doc, q.q) AS rank \
                           FROM mine CROSS JOIN q CROSS JOIN LATERAL ( \
                             SELECT x.message_id, x.doc FROM message_search x \
                             WHERE x.chat_id = mine.chat_id AND x.doc @@ q.q \
                               AND ($4::uuid IS NULL OR x.sender_id = $4) \
                               AND ($5::timestamptz IS NULL OR x.created_at < $5) \
                               AND ($6::timestamptz IS NULL OR x.created_at > $6)) s), \
                  top AS (SELECT * FROM hits \
                          WHERE $7::real IS NULL OR (hits.rank, hits.message_id) < ($7, $8) \
                          ORDER BY hits.rank DESC, hits.message_id DESC LIMIT $9) \
             SELECT top.rank, m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.content, \
                    m.content_type, m.metadata, m.reply_to_id, m.created_at, m.edited_at, m.deleted_at \
             FROM top JOIN messages m ON m.id = top.message_id \
             WHERE m.deleted_at IS NULL \
             ORDER BY top.rank DESC, m.id DESC",
        )
        .bind(f.viewer)
        .bind(&f.tsquery)
        .bind(f.chat)
        .bind(f.from)
        .bind(f.before)
        .bind(f.after)
        .bind(cursor_rank)
        .bind(cursor_id)
        .bind(f.limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// The indexer's writes, inside one transaction.
pub mod tx {
    use super::{
        ChatId, FromRow, IndexSource, IndexWindow, MessageId, PgConnection, StoreError, UserId,
    };

    /// Locks the progress rows of `chats` (creating missing ones), in chat order so that two
    /// indexers never deadlock. With `skip_locked`, chats another indexer holds are left out.
    pub async fn lock_windows(
        conn: &mut PgConnection,
        chats: &[ChatId],
        skip_locked: bool,
    ) -> Result<Vec<IndexWindow>, StoreError> {
        // The index is derived data and its watermark commits with it: a crash that loses
        // the last rounds loses both, and they are indexed again. So the indexer does not
        // wait for its own WAL flush, and does not make the send path's commits wait
        // behind it either.
        sqlx::query("SET LOCAL synchronous_commit = off")
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO search_progress (chat_id) SELECT id FROM chats WHERE id = ANY($1) \
             ON CONFLICT DO NOTHING",
        )
        .bind(chats)
        .execute(&mut *conn)
        .await?;
        let skip = if skip_locked { " SKIP LOCKED" } else { "" };
        let locked: Vec<(ChatId, i64)> = sqlx::query_as(&format!(
            "SELECT chat_id, indexed_seq FROM search_progress WHERE chat_id = ANY($1) \
             ORDER BY chat_id FOR UPDATE{skip}"
        ))
        .bind(chats)
        .fetch_all(&mut *conn)
        .await?;
        let ids: Vec<ChatId> = locked.iter().map(|l| l.0).collect();
        // Read after the lock: every event up to this last_seq is committed.
        let last: Vec<(ChatId, i64)> =
            sqlx::query_as("SELECT id, last_seq FROM chats WHERE id = ANY($1)")
                .bind(&ids)
                .fetch_all(&mut *conn)
                .await?;
        Ok(locked
            .into_iter()
            .filter_map(|(chat_id, indexed_seq)| {
                let last_seq = last.iter().find(|l| l.0 == chat_id)?.1;
                Some(IndexWindow {
                    chat_id,
                    indexed_seq,
                    last_seq,
                })
            })
            .collect())
    }

    /// The messages that events `(from, to]` of each chat created, edited or deleted, and
    /// the current state of those still live (a deleted or hard-deleted one has none).
    pub async fn touched_messages(
        conn: &mut PgConnection,
        windows: &[(ChatId, i64, i64)],
    ) -> Result<(Vec<MessageId>, Vec<IndexSource>), StoreError> {
        let chats: Vec<ChatId> = windows.iter().map(|w| w.0).collect();
        let from: Vec<i64> = windows.iter().map(|w| w.1).collect();
        let to: Vec<i64> = windows.iter().map(|w| w.2).collect();
        let rows: Vec<TouchedRow> = sqlx::query_as(
            // The messages are looked up one by one through the primary key (the OFFSET 0
            // keeps the planner from flattening the lateral into a join): with an
            // `id = ANY(...)` of a few thousand ids the planner chose a parallel scan of the
            // whole messages table instead, 30 ms a round at 150,000 messages and growing
            // with the table; the lookups take 2 µs each.
            "WITH t AS (SELECT DISTINCT id FROM ( \
               SELECT coalesce(e.message_id, (e.payload #>> '{data,messageId}')::uuid) AS id \
               FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS w(chat_id, lo, hi) \
               JOIN chat_events e ON e.chat_id = w.chat_id AND e.seq > w.lo AND e.seq <= w.hi \
               WHERE e.kind IN ('message:new', 'message:edited', 'message:deleted')) x \
             WHERE id IS NOT NULL) \
             SELECT t.id, m.chat_id, m.sender_id, m.created_at, m.content, m.attachment_names FROM t \
             LEFT JOIN LATERAL (SELECT chat_id, sender_id, created_at, content, \
                                  (SELECT string_agg(a.file_name, E'\\n' ORDER BY a.position) \
                                   FROM attachments a WHERE a.message_id = messages.id \
                                   AND a.deleted_at IS NULL) AS attachment_names \
                                FROM messages \
                                WHERE messages.id = t.id AND deleted_at IS NULL OFFSET 0) m ON true",
        )
        .bind(&chats)
        .bind(&from)
        .bind(&to)
        .fetch_all(&mut *conn)
        .await?;
        let ids = rows.iter().map(|r| r.id).collect();
        let sources = rows
            .into_iter()
            .filter_map(|r| {
                Some(IndexSource {
                    id: r.id,
                    chat_id: r.chat_id?,
                    sender_id: r.sender_id,
                    created_at: r.created_at?,
                    content: r.content,
                    attachment_names: r.attachment_names,
                })
            })
            .collect();
        Ok((ids, sources))
    }

    /// A touched message; the columns are NULL when it is no longer live.
    #[derive(FromRow)]
    struct TouchedRow {
        id: MessageId,
        chat_id: Option<ChatId>,
        sender_id: Option<UserId>,
        created_at: Option<time::OffsetDateTime>,
        content: Option<String>,
        attachment_names: Option<String>,
    }

    /// Replaces the index rows of `touched`: `docs` are `(message, tsvector literal)` of the
    /// live ones; the others leave the index.
    pub async fn write_docs(
        conn: &mut PgConnection,
        touched: &[MessageId],
        sources: &[IndexSource],
        docs: &[String],
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM message_search WHERE message_id = ANY($1)")
            .bind(touched)
            .execute(&mut *conn)
            .await?;
        let ids: Vec<MessageId> = sources.iter().map(|s| s.id).collect();
        let chats: Vec<ChatId> = sources.iter().map(|s| s.chat_id).collect();
        let senders: Vec<Option<UserId>> = sources.iter().map(|s| s.sender_id).collect();
        let times: Vec<time::OffsetDateTime> = sources.iter().map(|s| s.created_at).collect();
        sqlx::query(
            "INSERT INTO message_search (message_id, chat_id, sender_id, created_at, doc) \
             SELECT id, chat_id, sender_id, created_at, doc::tsvector \
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[]) \
               AS d(id, chat_id, sender_id, created_at, doc)",
        )
        .bind(&ids)
        .bind(&chats)
        .bind(&senders)
        .bind(&times)
        .bind(docs)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Moves this round's rows from the GIN pending list into the index proper.
    ///
    /// The rows went in through the pending list (`fastupdate`), which is cheap per row; the
    /// merge then sorts the round's lexemes and inserts each one's postings once, several
    /// times cheaper than inserting row by row into the tree. Merging in the same
    /// transaction leaves searches an empty pending list to scan, rather than the
    /// megabytes a list grows to when left to autovacuum.
    pub async fn merge_pending(conn: &mut PgConnection) -> Result<(), StoreError> {
        sqlx::query("SELECT gin_clean_pending_list('message_search_chat_doc_idx'::regclass)")
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Moves the watermarks.
    pub async fn advance(
        conn: &mut PgConnection,
        windows: &[(ChatId, i64, i64)],
    ) -> Result<(), StoreError> {
        let chats: Vec<ChatId> = windows.iter().map(|w| w.0).collect();
        let to: Vec<i64> = windows.iter().map(|w| w.2).collect();
        sqlx::query(
            "UPDATE search_progress p SET indexed_seq = w.hi \
             FROM unnest($1::uuid[], $2::bigint[]) AS w(chat_id, hi) WHERE p.chat_id = w.chat_id",
        )
        .bind(&chats)
        .bind(&to)
        .execute(conn)
        .await?;
        Ok(())
    }
}

impl Store {
    /// For `chatctl bench --search`: appends `per_chat` messages to each of `chats`, each of
    /// `words_per_message` words drawn at random from `vocabulary` (repeat a word to make it
    /// more common), by a random one of `authors`, with their `message:new` events, in one
    /// statement per chat. Bulk SQL: a million messages take minutes, not hours.
    pub async fn bench_fill_chat(
        &self,
        chat: ChatId,
        authors: &[UserId],
        per_chat: i64,
        words_per_message: i32,
        vocabulary: &[String],
    ) -> Result<(), StoreError> {
        sqlx::query(
            // The seq range is taken by the UPDATE the inserts read from, as on the send path.
            "WITH s AS (UPDATE chats SET last_seq = last_seq + $3, last_message_at = now() \
                        WHERE id = $1 RETURNING last_seq - $3 AS base), \
                  gen AS (SELECT g AS n, gen_random_uuid() AS id, \
                            ($2::uuid[])[1 + floor(random() * array_length($2, 1))::int] AS sender, \
                            w.content \
                          FROM generate_series(1, $3) g CROSS JOIN LATERAL ( \
                            SELECT string_agg(($5::text[])[1 + floor(random() \
                                     * array_length($5, 1))::int], ' ') AS content \
                            FROM generate_series(1, $4) WHERE g > 0) w), \
                  ins AS (INSERT INTO messages (id, chat_id, seq, sender_id, client_id, content, created_at) \
                          SELECT gen.id, $1, s.base + gen.n, gen.sender, 'bench-' || gen.id, \
                                 gen.content, now() - make_interval(secs => ($3 - gen.n)::double precision) \
                          FROM gen, s RETURNING id, seq, sender_id) \
             INSERT INTO chat_events (chat_id, seq, kind, actor_id, message_id) \
             SELECT $1, seq, 'message:new', sender_id, id FROM ins",
        )
        .bind(chat)
        .bind(authors)
        .bind(per_chat)
        .bind(words_per_message)
        .bind(vocabulary)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
