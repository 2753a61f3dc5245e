//! Chat, message and sync endpoints of the REST client, for the terminal client and scripts.

use reqwest::Method;

use super::{Client, ClientError};
use crate::api::{
    AddParticipantsRequest, ChatDetail, ChatList, CreateDirectRequest, CreateGroupRequest,
    EditMessageRequest, MarkReadRequest, Message, MessagePage, PresenceList, PresenceRequest,
    SendMessageRequest, SendResult, SetRetentionRequest, SyncRequest, SyncResponse,
    UpdateChatRequest,
};
use crate::ids::{ChatId, MessageId, UserId};

/// Which page of a chat's messages `GET /api/chats/{id}/messages` returns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PageAt {
    /// The newest messages.
    #[default]
    Latest,
    /// Messages with a smaller seq.
    Before(i64),
    /// Messages with a larger seq.
    After(i64),
    /// Around one message.
    Around(MessageId),
}

impl Client {
    /// `GET /api/chats`.
    pub async fn chats(&self) -> Result<ChatList, ClientError> {
        self.send(self.request(Method::GET, "/api/chats")).await
    }

    /// `GET /api/chats/{id}`.
    pub async fn chat(&self, id: ChatId) -> Result<ChatDetail, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/chats/{id}")))
            .await
    }

    /// `GET /api/chats/slug/{slug}`.
    pub async fn chat_by_slug(&self, slug: &str) -> Result<ChatDetail, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/chats/slug/{slug}")))
            .await
    }

    /// `POST /api/chats/direct`: the direct chat with `user_id` (created on first use).
    pub async fn create_direct(&self, user_id: UserId) -> Result<ChatDetail, ClientError> {
        self.send(
            self.request(Method::POST, "/api/chats/direct")
                .json(&CreateDirectRequest { user_id }),
        )
        .await
    }

    /// `POST /api/chats/group`.
    pub async fn create_group(&self, req: &CreateGroupRequest) -> Result<ChatDetail, ClientError> {
        self.send(self.request(Method::POST, "/api/chats/group").json(req))
            .await
    }

    /// `PUT /api/chats/{id}`.
    pub async fn update_chat(
        &self,
        id: ChatId,
        req: &UpdateChatRequest,
    ) -> Result<ChatDetail, ClientError> {
        self.send(
            self.request(Method::PUT, &format!("/api/chats/{id}"))
                .json(req),
        )
        .await
    }

    /// `PUT /api/chats/{id}/retention`: the group's own retention (`None` clears it).
    pub async fn set_chat_retention(
        &self,
        id: ChatId,
        days: Option<u32>,
    ) -> Result<ChatDetail, ClientError> {
        self.send(
            self.request(Method::PUT, &format!("/api/chats/{id}/retention"))
                .json(&SetRetentionRequest { days }),
        )
        .await
    }

    /// `POST /api/chats/{id}/participants`.
    pub async fn add_participants(
        &self,
        id: ChatId,
        user_ids: Vec<UserId>,
    ) -> Result<ChatDetail, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/api/chats/{id}/participants"))
                .json(&AddParticipantsRequest { user_ids }),
        )
        .await
    }

    /// `DELETE /api/chats/{id}/participants/{userId}`.
    pub async fn remove_participant(&self, id: ChatId, user: UserId) -> Result<(), ClientError> {
        self.send_empty(self.request(
            Method::DELETE,
            &format!("/api/chats/{id}/participants/{user}"),
        ))
        .await
    }

    /// `POST /api/chats/{id}/leave`.
    pub async fn leave_chat(&self, id: ChatId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::POST, &format!("/api/chats/{id}/leave")))
            .await
    }

    /// `POST /api/chats/{id}/read`.
    pub async fn mark_read(&self, id: ChatId, seq: i64) -> Result<(), ClientError> {
        self.send_empty(
            self.request(Method::POST, &format!("/api/chats/{id}/read"))
                .json(&MarkReadRequest { seq }),
        )
        .await
    }

    /// `GET /api/chats/{id}/messages`.
    pub async fn messages(
        &self,
        id: ChatId,
        at: PageAt,
        limit: Option<u32>,
    ) -> Result<MessagePage, ClientError> {
        let mut query: Vec<(&str, String)> = Vec::new();
        if let Some(limit) = limit {
            query.push(("limit", limit.to_string()));
        }
        match at {
            PageAt::Latest => {}
            PageAt::Before(seq) => query.push(("before", seq.to_string())),
            PageAt::After(seq) => query.push(("after", seq.to_string())),
            PageAt::Around(message) => query.push(("around", message.to_string())),
        }
        self.send(
            self.request(Method::GET, &format!("/api/chats/{id}/messages"))
                .query(&query),
        )
        .await
    }

    /// `POST /api/chats/{id}/messages`.
    pub async fn send_message(
        &self,
        id: ChatId,
        req: &SendMessageRequest,
    ) -> Result<SendResult, ClientError> {
        self.send(
            self.request(Method::POST, &format!("/api/chats/{id}/messages"))
                .json(req),
        )
        .await
    }

    /// `PUT /api/messages/{id}`.
    pub async fn edit_message(
        &self,
        id: MessageId,
        req: &EditMessageRequest,
    ) -> Result<Message, ClientError> {
        self.send(
            self.request(Method::PUT, &format!("/api/messages/{id}"))
                .json(req),
        )
        .await
    }

    /// `DELETE /api/messages/{id}`.
    pub async fn delete_message(&self, id: MessageId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, &format!("/api/messages/{id}")))
            .await
    }

    /// `POST /api/sync`.
    pub async fn sync(&self, req: &SyncRequest) -> Result<SyncResponse, ClientError> {
        self.send(self.request(Method::POST, "/api/sync").json(req))
            .await
    }

    /// `POST /api/presence`.
    pub async fn presence(&self, user_ids: Vec<UserId>) -> Result<PresenceList, ClientError> {
        self.send(
            self.request(Method::POST, "/api/presence")
                .json(&PresenceRequest { user_ids }),
        )
        .await
    }
}
