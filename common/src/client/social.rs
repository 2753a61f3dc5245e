//! Contacts, blocks, mutes, do-not-disturb, deep links and member roles: the REST calls of
//! [social.md](../../../docs/social.md) and the role endpoints of the chat API.

use reqwest::Method;

use super::{Client, ClientError};
use crate::api::{
    BlockList, Contact, ContactList, ContactRequest, MarkNotificationsRead, NotificationPage,
    NotificationSettings, NotificationsMarked, PendingContacts, ResolvedLink, Role, Silence,
    SilenceRequest, TransferOwnershipRequest, UpdateParticipantRequest,
};
use crate::ids::{ChatId, MessageId, UserId};

impl Client {
    /// `GET /api/contacts`: accepted contacts.
    pub async fn contacts(&self) -> Result<ContactList, ClientError> {
        self.send(self.request(Method::GET, "/api/contacts")).await
    }

    /// `GET /api/contacts/pending`: requests both ways.
    pub async fn pending_contacts(&self) -> Result<PendingContacts, ClientError> {
        self.send(self.request(Method::GET, "/api/contacts/pending"))
            .await
    }

    /// `POST /api/contacts`: asks a user (or accepts their request, when they asked first).
    pub async fn request_contact(&self, req: &ContactRequest) -> Result<Contact, ClientError> {
        self.send(self.request(Method::POST, "/api/contacts").json(req))
            .await
    }

    /// `PUT /api/contacts/{id}/accept`.
    pub async fn accept_contact(&self, id: uuid::Uuid) -> Result<Contact, ClientError> {
        self.send(self.request(Method::PUT, &format!("/api/contacts/{id}/accept")))
            .await
    }

    /// `PUT /api/contacts/{id}/decline`.
    pub async fn decline_contact(&self, id: uuid::Uuid) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::PUT, &format!("/api/contacts/{id}/decline")))
            .await
    }

    /// `PUT /api/contacts/{id}/cancel`.
    pub async fn cancel_contact(&self, id: uuid::Uuid) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::PUT, &format!("/api/contacts/{id}/cancel")))
            .await
    }

    /// `DELETE /api/contacts/{id}`: ends a contact (or a pending request).
    pub async fn remove_contact(&self, id: uuid::Uuid) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, &format!("/api/contacts/{id}")))
            .await
    }

    /// `GET /api/blocks`.
    pub async fn blocks(&self) -> Result<BlockList, ClientError> {
        self.send(self.request(Method::GET, "/api/blocks")).await
    }

    /// `PUT /api/blocks/{userId}`.
    pub async fn block(&self, user: UserId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::PUT, &format!("/api/blocks/{user}")))
            .await
    }

    /// `DELETE /api/blocks/{userId}`.
    pub async fn unblock(&self, user: UserId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, &format!("/api/blocks/{user}")))
            .await
    }

    /// `GET /api/notifications`: the newest page of the user's notifications.
    pub async fn notifications(&self) -> Result<NotificationPage, ClientError> {
        self.send(self.request(Method::GET, "/api/notifications"))
            .await
    }

    /// `POST /api/notifications/read`: the ids named, everything up to `upTo`, or all.
    pub async fn mark_notifications_read(
        &self,
        req: &MarkNotificationsRead,
    ) -> Result<NotificationsMarked, ClientError> {
        self.send(
            self.request(Method::POST, "/api/notifications/read")
                .json(req),
        )
        .await
    }

    /// `GET /api/notifications/settings`.
    pub async fn notification_settings(&self) -> Result<NotificationSettings, ClientError> {
        self.send(self.request(Method::GET, "/api/notifications/settings"))
            .await
    }

    /// `PUT /api/notifications/dnd`.
    pub async fn set_dnd(&self, req: &SilenceRequest) -> Result<Silence, ClientError> {
        self.send(
            self.request(Method::PUT, "/api/notifications/dnd")
                .json(req),
        )
        .await
    }

    /// `DELETE /api/notifications/dnd`.
    pub async fn end_dnd(&self) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, "/api/notifications/dnd"))
            .await
    }

    /// `PUT /api/chats/{id}/mute`.
    pub async fn mute_chat(
        &self,
        id: ChatId,
        req: &SilenceRequest,
    ) -> Result<Silence, ClientError> {
        self.send(
            self.request(Method::PUT, &format!("/api/chats/{id}/mute"))
                .json(req),
        )
        .await
    }

    /// `DELETE /api/chats/{id}/mute`.
    pub async fn unmute_chat(&self, id: ChatId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, &format!("/api/chats/{id}/mute")))
            .await
    }

    /// `GET /api/links/resolve?url=`: what a deep link names, for a member.
    pub async fn resolve_link(&self, url: &str) -> Result<ResolvedLink, ClientError> {
        self.send(
            self.request(Method::GET, "/api/links/resolve")
                .query(&[("url", url)]),
        )
        .await
    }

    /// `GET /api/messages/{id}/link`.
    pub async fn message_link(&self, id: MessageId) -> Result<ResolvedLink, ClientError> {
        self.send(self.request(Method::GET, &format!("/api/messages/{id}/link")))
            .await
    }

    /// `PUT /api/chats/{id}/participants/{userId}`: `admin` or `member` (owner only).
    pub async fn set_role(&self, id: ChatId, user: UserId, role: Role) -> Result<(), ClientError> {
        self.send_empty(
            self.request(Method::PUT, &format!("/api/chats/{id}/participants/{user}"))
                .json(&UpdateParticipantRequest { role }),
        )
        .await
    }

    /// `POST /api/chats/{id}/transfer`: hands the group to `user` (owner only).
    pub async fn transfer_ownership(&self, id: ChatId, user: UserId) -> Result<(), ClientError> {
        self.send_empty(
            self.request(Method::POST, &format!("/api/chats/{id}/transfer"))
                .json(&TransferOwnershipRequest { user_id: user }),
        )
        .await
    }
}
