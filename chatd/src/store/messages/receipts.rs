//! Read and delivered watermarks: two numbers per member and chat that only move forward,
//! and the senders of the messages a move covers (to tell them).

use common::ids::{ChatId, UserId};

use crate::store::{Store, StoreError};

/// What marking a chat read did.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReadMove {
    /// The watermark before, when it moved.
    pub old_seq: Option<i64>,
    /// The watermark after, when it moved.
    pub new_seq: Option<i64>,
    /// The authors of the messages it now covers (none when it did not move).
    pub senders: Vec<UserId>,
}

/// A delivered watermark that moved.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveredMove {
    /// The chat.
    pub chat_id: ChatId,
    /// The member whose watermark moved.
    pub user_id: UserId,
    /// The watermark now.
    pub new_seq: i64,
    /// The authors of the messages it now covers.
    pub senders: Vec<UserId>,
}

impl Store {
    /// Moves `user`'s read watermark in `chat` to `seq` (at most the chat's last seq), in
    /// one statement: `None` when the user is not a member of the chat; otherwise whether
    /// it moved, as `(old, new)`, and the authors (still members) of the messages it now
    /// covers, who get the receipt.
    pub async fn advance_read(
        &self,
        chat: ChatId,
        user: UserId,
        seq: i64,
    ) -> Result<Option<ReadMove>, StoreError> {
        Ok(sqlx::query_as(
            "WITH old AS (SELECT m.last_read_seq FROM chat_members m \
                 JOIN chats c ON c.id = m.chat_id AND c.deleted_at IS NULL \
                 WHERE m.chat_id = $1 AND m.user_id = $2 AND m.left_at IS NULL \
                 FOR UPDATE OF m), \
                  upd AS (UPDATE chat_members m \
                 SET last_read_seq = LEAST($3, c.last_seq), \
                     last_delivered_seq = GREATEST(m.last_delivered_seq, LEAST($3, c.last_seq)) \
                 FROM old, chats c \
                 WHERE m.chat_id = $1 AND m.user_id = $2 AND c.id = $1 \
                   AND LEAST($3, c.last_seq) > old.last_read_seq \
                 RETURNING old.last_read_seq AS old_seq, m.last_read_seq AS new_seq) \
             SELECT upd.old_seq, upd.new_seq, \
               ARRAY(SELECT DISTINCT msg.sender_id FROM messages msg \
                 WHERE msg.chat_id = $1 AND msg.seq > upd.old_seq AND msg.seq <= upd.new_seq \
                   AND msg.sender_id IS NOT NULL AND EXISTS (SELECT 1 FROM chat_members cm \
                     WHERE cm.chat_id = $1 AND cm.user_id = msg.sender_id \
                       AND cm.left_at IS NULL)) AS senders \
             FROM old LEFT JOIN upd ON true",
        )
        .bind(chat)
        .bind(user)
        .bind(seq)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Moves many delivered watermarks forward at once, in one statement; returns the
    /// moves, each with the authors (still members, not the member whose watermark moved)
    /// of the messages it now covers, who get the receipt.
    pub async fn advance_delivered(
        &self,
        entries: &[(ChatId, UserId, i64)],
    ) -> Result<Vec<DeliveredMove>, StoreError> {
        let chats: Vec<ChatId> = entries.iter().map(|e| e.0).collect();
        let users: Vec<UserId> = entries.iter().map(|e| e.1).collect();
        let seqs: Vec<i64> = entries.iter().map(|e| e.2).collect();
        Ok(sqlx::query_as(
            "WITH v AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) \
                          AS v(chat_id, user_id, seq)), \
                  old AS (SELECT m.chat_id, m.user_id, m.last_delivered_seq FROM chat_members m \
                          JOIN v ON v.chat_id = m.chat_id AND v.user_id = m.user_id \
                          WHERE m.last_delivered_seq < v.seq AND m.left_at IS NULL \
                          ORDER BY m.chat_id, m.user_id FOR UPDATE OF m), \
                  upd AS (UPDATE chat_members m SET last_delivered_seq = v.seq FROM v, old \
                          WHERE m.chat_id = v.chat_id AND m.user_id = v.user_id \
                            AND old.chat_id = m.chat_id AND old.user_id = m.user_id \
                          RETURNING m.chat_id, m.user_id, old.last_delivered_seq AS old_seq, \
                                    m.last_delivered_seq AS new_seq) \
             SELECT upd.chat_id, upd.user_id, upd.new_seq, \
               ARRAY(SELECT DISTINCT msg.sender_id FROM messages msg \
                 WHERE msg.chat_id = upd.chat_id AND msg.seq > upd.old_seq \
                   AND msg.seq <= upd.new_seq AND msg.sender_id IS NOT NULL \
                   AND msg.sender_id <> upd.user_id \
                   AND EXISTS (SELECT 1 FROM chat_members cm WHERE cm.chat_id = upd.chat_id \
                                 AND cm.user_id = msg.sender_id AND cm.left_at IS NULL)) \
                 AS senders \
             FROM upd",
        )
        .bind(chats)
        .bind(users)
        .bind(seqs)
        .fetch_all(&self.pool)
        .await?)
    }
}
