//! Profiles: reading and updating one's own, reading others', searching.

use common::api::{Me, Page, UpdateProfileRequest, User};
use common::ids::UserId;
use common::limits::{PAGE_DEFAULT, PAGE_MAX, SEARCH_QUERY_MAX};

use crate::auth::{AuthUser, validate_display_name, validate_status_message};
use crate::error::{Error, Result};
use crate::store::{Store, UserRow};

/// Profile operations.
#[derive(Clone, Debug)]
pub struct UserService {
    store: Store,
}

impl UserService {
    /// Builds the service.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// The caller's own account.
    pub async fn me(&self, caller: &AuthUser) -> Result<Me> {
        let row = self.load(caller.user_id).await?;
        Ok(me(&row))
    }

    /// Updates the caller's display name and status message.
    pub async fn update_me(&self, caller: &AuthUser, req: &UpdateProfileRequest) -> Result<Me> {
        let mut problems = Vec::new();
        let display_name = req
            .display_name
            .as_deref()
            .map(validate_display_name)
            .transpose()
            .map_err(|d| problems.push(d))
            .unwrap_or_default();
        let status = req
            .status_message
            .as_deref()
            .map(validate_status_message)
            .transpose()
            .map_err(|d| problems.push(d))
            .unwrap_or_default();
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let row = self
            .store
            .update_profile(
                caller.user_id,
                display_name.as_ref().map(Option::as_deref),
                status.as_ref().map(Option::as_deref),
            )
            .await?
            .ok_or(Error::NotFound("no such user"))?;
        Ok(me(&row))
    }

    /// Another user's public profile.
    pub async fn get(&self, id: UserId) -> Result<User> {
        Ok(self.load(id).await?.to_api())
    }

    /// Users whose username or display name starts with `q`, a page at a time, leaving out
    /// those who chose not to be found (except by their contacts). The cursor is the last
    /// username of the previous page.
    pub async fn search(
        &self,
        viewer: UserId,
        q: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Page<User>> {
        let q = q.trim().to_lowercase();
        if q.is_empty() {
            return Err(Error::field("q", "must not be empty"));
        }
        if q.chars().count() > SEARCH_QUERY_MAX {
            return Err(Error::field(
                "q",
                format!("must be at most {SEARCH_QUERY_MAX} characters"),
            ));
        }
        let limit = limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(Error::field(
                "limit",
                format!("must be between 1 and {PAGE_MAX}"),
            ));
        }
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let mut rows = self
            .store
            .search_users(viewer, &escaped, cursor, i64::from(limit) + 1)
            .await?;
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.username.clone())
        } else {
            None
        };
        Ok(Page {
            items: rows.iter().map(UserRow::to_api).collect(),
            next_cursor,
        })
    }

    async fn load(&self, id: UserId) -> Result<UserRow> {
        self.store
            .user_by_id(id)
            .await?
            .filter(|u| u.disabled_at.is_none())
            .ok_or(Error::NotFound("no such user"))
    }
}

fn me(row: &UserRow) -> Me {
    Me {
        user: row.to_api(),
        is_admin: row.is_admin,
        email: row.email.clone(),
        email_verified: row.email_verified_at.is_some(),
    }
}
