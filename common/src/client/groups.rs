//! The group directory, joining and invite links of the REST client.

use reqwest::Method;

use super::{Client, ClientError};
use crate::api::{ChatDetail, CreateGroupInviteRequest, GroupInvite, GroupSummary, Page};
use crate::ids::ChatId;

impl Client {
    /// `GET /api/chats/public?q=&cursor=`: public groups whose name or description has `q`.
    pub async fn public_groups(
        &self,
        q: &str,
        cursor: Option<&str>,
    ) -> Result<Page<GroupSummary>, ClientError> {
        let mut query = vec![("q", q)];
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor));
        }
        self.send(self.request(Method::GET, "/api/chats/public").query(&query))
            .await
    }

    /// `POST /api/chats/{id}/join`: joins a public group.
    pub async fn join_group(&self, id: ChatId) -> Result<ChatDetail, ClientError> {
        self.send(self.request(Method::POST, &format!("/api/chats/{id}/join")))
            .await
    }

    /// `POST /api/chats/{id}/invites`: a new invite link (admins and the owner).
    pub async fn create_group_invite(
        &self,
        id: ChatId,
        req: &CreateGroupInviteRequest,
    ) -> Result<GroupInvite, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/api/chats/{id}/invites"))
                .json(req),
        )
        .await
    }

    /// `GET /api/invites/{token}`: the group an invite opens, without joining.
    pub async fn preview_invite(&self, token: &str) -> Result<GroupSummary, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/invites/{token}")))
            .await
    }

    /// `POST /api/invites/{token}/join`: joins the group an invite opens.
    pub async fn join_invite(&self, token: &str) -> Result<ChatDetail, ClientError> {
        self.send(self.request(Method::POST, &format!("/api/invites/{token}/join")))
            .await
    }
}
