//! Privacy settings (columns of `users`) and the questions the rules ask of them: who may
//! see a user's presence.

use common::UserId;
use common::api::{ContactRequestsFrom, DirectChatsFrom, PresenceAudience, Privacy};
use sqlx::FromRow;

use super::{Store, StoreError};

#[derive(FromRow)]
struct PrivacyRow {
    presence: String,
    direct_chats: String,
    searchable: bool,
    contact_requests: String,
}

impl PrivacyRow {
    fn to_api(&self) -> Privacy {
        Privacy {
            presence: match self.presence.as_str() {
                "contacts" => PresenceAudience::Contacts,
                "nobody" => PresenceAudience::Nobody,
                _ => PresenceAudience::Everyone,
            },
            direct_chats: match self.direct_chats.as_str() {
                "contacts" => DirectChatsFrom::Contacts,
                _ => DirectChatsFrom::Everyone,
            },
            searchable: self.searchable,
            contact_requests: match self.contact_requests.as_str() {
                "nobody" => ContactRequestsFrom::Nobody,
                _ => ContactRequestsFrom::Everyone,
            },
        }
    }
}

fn presence_text(p: PresenceAudience) -> &'static str {
    match p {
        PresenceAudience::Everyone => "everyone",
        PresenceAudience::Contacts => "contacts",
        PresenceAudience::Nobody => "nobody",
    }
}

const PRIVACY_COLUMNS: &str = "privacy_presence AS presence, privacy_direct_chats AS direct_chats, \
                               privacy_searchable AS searchable, \
                               privacy_contact_requests AS contact_requests";

/// Whether `a` and `b` are accepted contacts, as SQL over the columns `$a` and `$b` name.
pub(super) fn contacts_sql(a: &str, b: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM contacts k WHERE k.status = 'accepted' \
         AND LEAST(k.requester_id, k.addressee_id) = LEAST({a}, {b}) \
         AND GREATEST(k.requester_id, k.addressee_id) = GREATEST({a}, {b}))"
    )
}

impl Store {
    /// The user's privacy settings; `None` for no such user.
    pub async fn privacy_of(&self, user: UserId) -> Result<Option<Privacy>, StoreError> {
        let row = sqlx::query_as::<_, PrivacyRow>(&format!(
            "SELECT {PRIVACY_COLUMNS} FROM users WHERE id = $1"
        ))
        .bind(user)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(PrivacyRow::to_api))
    }

    /// Stores the user's privacy settings in `txn`, returning what they were before.
    pub async fn set_privacy(
        &self,
        txn: &mut sqlx::PgConnection,
        user: UserId,
        privacy: &Privacy,
    ) -> Result<Option<Privacy>, StoreError> {
        let before = sqlx::query_as::<_, PrivacyRow>(&format!(
            "SELECT {PRIVACY_COLUMNS} FROM users WHERE id = $1 FOR UPDATE"
        ))
        .bind(user)
        .fetch_optional(&mut *txn)
        .await?;
        let Some(before) = before else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE users SET privacy_presence = $2, privacy_direct_chats = $3, \
             privacy_searchable = $4, privacy_contact_requests = $5, updated_at = now() \
             WHERE id = $1",
        )
        .bind(user)
        .bind(presence_text(privacy.presence))
        .bind(match privacy.direct_chats {
            DirectChatsFrom::Everyone => "everyone",
            DirectChatsFrom::Contacts => "contacts",
        })
        .bind(privacy.searchable)
        .bind(match privacy.contact_requests {
            ContactRequestsFrom::Everyone => "everyone",
            ContactRequestsFrom::Nobody => "nobody",
        })
        .execute(&mut *txn)
        .await?;
        Ok(Some(before.to_api()))
    }

    /// Those of `users` whose presence `viewer` may see by their privacy settings (the
    /// viewer always sees themself). Whether they share a chat is the caller's question.
    pub async fn presence_visible_to(
        &self,
        viewer: UserId,
        users: &[UserId],
    ) -> Result<Vec<UserId>, StoreError> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT u.id FROM users u WHERE u.id = ANY($2) AND (u.id = $1 \
             OR u.privacy_presence = 'everyone' \
             OR (u.privacy_presence = 'contacts' AND {}))",
            contacts_sql("u.id", "$1")
        ))
        .bind(viewer)
        .bind(users)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Those of `viewers` who may see `user`'s presence under the setting `presence`.
    pub async fn presence_audience(
        &self,
        user: UserId,
        presence: PresenceAudience,
        viewers: &[UserId],
    ) -> Result<Vec<UserId>, StoreError> {
        match presence {
            PresenceAudience::Everyone => Ok(viewers.to_vec()),
            PresenceAudience::Nobody => Ok(Vec::new()),
            PresenceAudience::Contacts => Ok(sqlx::query_scalar(&format!(
                "SELECT v FROM unnest($2::uuid[]) AS v WHERE {}",
                contacts_sql("v", "$1")
            ))
            .bind(user)
            .bind(viewers)
            .fetch_all(&self.pool)
            .await?),
        }
    }
}
