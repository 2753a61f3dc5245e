//! Contacts and blocks. A contact starts as a request (its id stays the contact's id),
//! which the addressee accepts or declines and the requester may cancel; a request to
//! someone who already asked you accepts theirs. Blocks are one-directional; blocking
//! removes the contact and any request between the pair (`blocking`: block, unblock, the
//! list; what a block stops is `crate::blocks`).

mod blocking;

use std::collections::HashMap;

use common::api::{
    Contact, ContactList, ContactRequest, ContactRequestsFrom, ContactStatus, NotificationKind,
    PendingContacts, User,
};
use common::ids::UserId;
use common::ws::{ContactEvent, ContactRemoved, ContactRemovedReason, ServerEvent};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::blocks::Blocks;
use crate::config::ContactsConfig;
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::notifications::{self, NotificationService};
use crate::store::notifications::NewNotification;
use crate::store::social::{ContactRow, tx};
use crate::store::{Store, StoreError};
use crate::user_events::Outbox;

const NOTE_MAX: usize = 500;
const NO_REQUEST: Error = Error::NotFound("no such contact request");

/// Contacts and blocks, for REST.
#[derive(Clone, Debug)]
pub struct ContactService {
    store: Store,
    hub: Hub,
    blocks: Blocks,
    notifications: NotificationService,
    max_pending: i64,
}

impl ContactService {
    /// Builds the service.
    pub fn new(
        store: Store,
        hub: Hub,
        blocks: Blocks,
        notifications: NotificationService,
        config: &ContactsConfig,
    ) -> Self {
        Self {
            store,
            hub,
            blocks,
            notifications,
            max_pending: i64::from(config.max_pending_outgoing),
        }
    }

    /// The caller's accepted contacts, by username.
    pub async fn list(&self, caller: UserId) -> Result<ContactList> {
        let rows = self.store.contacts_of(caller).await?;
        let mut contacts = self.views(caller, &rows).await?;
        contacts.sort_by(|a, b| a.user.username.cmp(&b.user.username));
        Ok(ContactList { contacts })
    }

    /// Pending requests from and to the caller.
    pub async fn pending(&self, caller: UserId) -> Result<PendingContacts> {
        let rows = self.store.pending_contacts_of(caller).await?;
        let (outgoing, incoming) = self
            .views(caller, &rows)
            .await?
            .into_iter()
            .partition(|c| c.outgoing);
        Ok(PendingContacts { incoming, outgoing })
    }

    /// Asks `req.user_id` to become a contact. `true` with a new request; `false` when the
    /// answer is an existing request of the caller or their reverse request, now accepted.
    pub async fn request(&self, caller: UserId, req: &ContactRequest) -> Result<(Contact, bool)> {
        let other = req.user_id;
        if other == caller {
            return Err(Error::field("userId", "you cannot add yourself"));
        }
        let note = req
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty());
        if note.is_some_and(|m| m.chars().count() > NOTE_MAX) {
            return Err(Error::field(
                "message",
                format!("at most {NOTE_MAX} characters"),
            ));
        }
        // The note is shown to the other user like a message: the same rule keeps terminal
        // control sequences out.
        if let Some(Err(problem)) = note.map(crate::messages::rules::check_content) {
            return Err(Error::field("message", problem.message));
        }
        self.blocks.check_pair(caller, other).await?;
        let mut txn = self.store.begin().await?;
        if !tx::active_user(&mut txn, other).await? {
            return Err(Error::NotFound("no such user"));
        }
        let mut outbox = Outbox::default();
        let existing = tx::contact_between(&mut txn, caller, other).await?;
        let (row, created) = match existing {
            Some(row) if row.status == "accepted" => {
                return Err(Error::Conflict("you are contacts already"));
            }
            Some(row) if row.status == "pending" && row.requester_id == caller => (row, false),
            Some(row) if row.status == "pending" => {
                let row = self.accept_in(&mut txn, &mut outbox, &row).await?;
                (row, false)
            }
            stale => {
                // A new request (answering one of theirs is always possible).
                let closed = self
                    .store
                    .privacy_of(other)
                    .await?
                    .is_some_and(|p| p.contact_requests == ContactRequestsFrom::Nobody);
                if closed {
                    return Err(Error::Forbidden(
                        "this user does not accept contact requests",
                    ));
                }
                // A declined request is forgotten when either side asks again.
                if let Some(row) = stale {
                    tx::delete_contact(&mut txn, row.id).await?;
                }
                if tx::outgoing_pending(&mut txn, caller).await? >= self.max_pending {
                    return Err(Error::Conflict(
                        "too many pending contact requests; cancel some or wait for answers \
                         (contacts.max_pending_outgoing)",
                    ));
                }
                let row = tx::insert_request(&mut txn, Uuid::now_v7(), caller, other, note)
                    .await
                    .map_err(|e| match e {
                        tx::InsertContactError::Exists => {
                            Error::Conflict("a request between you was just made; reload")
                        }
                        tx::InsertContactError::Store(e) => e.into(),
                    })?;
                let users = self.users(&[caller, other]).await?;
                for side in [caller, other] {
                    let contact = view(side, &row, &users)?;
                    outbox
                        .record(&mut txn, side, |user_seq| {
                            ServerEvent::ContactRequest(ContactEvent { user_seq, contact })
                        })
                        .await?;
                }
                notifications::create(
                    &mut txn,
                    &mut outbox,
                    &contact_notification(other, caller, row.id, NotificationKind::ContactRequest),
                )
                .await?;
                (row, true)
            }
        };
        txn.commit().await.map_err(StoreError::from)?;
        self.notifications.publish(&mut outbox);
        let users = self.users(&[caller, other]).await?;
        Ok((view(caller, &row, &users)?, created))
    }

    /// The addressee accepts a pending request.
    pub async fn accept(&self, caller: UserId, id: Uuid) -> Result<Contact> {
        let mut txn = self.store.begin().await?;
        let row = tx::contact_for(&mut txn, id, caller)
            .await?
            .filter(|r| r.status == "pending")
            .ok_or(NO_REQUEST)?;
        if row.addressee_id != caller {
            return Err(Error::Forbidden("only the addressee can accept a request"));
        }
        let mut outbox = Outbox::default();
        let row = self.accept_in(&mut txn, &mut outbox, &row).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.notifications.publish(&mut outbox);
        let users = self.users(&[row.requester_id, row.addressee_id]).await?;
        view(caller, &row, &users)
    }

    /// The addressee declines a pending request.
    pub async fn decline(&self, caller: UserId, id: Uuid) -> Result<()> {
        self.end(caller, id, |row, caller| {
            (row.status == "pending" && row.addressee_id == caller)
                .then_some(ContactRemovedReason::Declined)
        })
        .await
    }

    /// The requester cancels a pending request.
    pub async fn cancel(&self, caller: UserId, id: Uuid) -> Result<()> {
        self.end(caller, id, |row, caller| {
            (row.status == "pending" && row.requester_id == caller)
                .then_some(ContactRemovedReason::Cancelled)
        })
        .await
    }

    /// Removes a contact; on a pending request it cancels (requester) or declines.
    pub async fn remove(&self, caller: UserId, id: Uuid) -> Result<()> {
        self.end(caller, id, |row, caller| match row.status.as_str() {
            "accepted" => Some(ContactRemovedReason::Removed),
            "pending" if row.requester_id == caller => Some(ContactRemovedReason::Cancelled),
            "pending" => Some(ContactRemovedReason::Declined),
            _ => None,
        })
        .await
    }

    /// Accepts `row` inside `txn`: both sides get `contact:accepted`, the requester a
    /// notification.
    async fn accept_in(
        &self,
        txn: &mut PgConnection,
        outbox: &mut Outbox,
        row: &ContactRow,
    ) -> Result<ContactRow> {
        let row = tx::answer(txn, row.id, "accepted").await?;
        let users = self.users(&[row.requester_id, row.addressee_id]).await?;
        for side in [row.requester_id, row.addressee_id] {
            let contact = view(side, &row, &users)?;
            outbox
                .record(txn, side, |user_seq| {
                    ServerEvent::ContactAccepted(ContactEvent { user_seq, contact })
                })
                .await?;
        }
        notifications::create(
            txn,
            outbox,
            &contact_notification(
                row.requester_id,
                row.addressee_id,
                row.id,
                NotificationKind::ContactAccepted,
            ),
        )
        .await?;
        Ok(row)
    }

    /// Ends request or contact `id` when `rule` gives a reason for the caller; both sides
    /// get `contact:removed`.
    async fn end(
        &self,
        caller: UserId,
        id: Uuid,
        rule: impl Fn(&ContactRow, UserId) -> Option<ContactRemovedReason>,
    ) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let row = tx::contact_for(&mut txn, id, caller)
            .await?
            .ok_or(NO_REQUEST)?;
        let Some(reason) = rule(&row, caller) else {
            return Err(NO_REQUEST);
        };
        if reason == ContactRemovedReason::Declined {
            tx::answer(&mut txn, row.id, "declined").await?;
        } else {
            tx::delete_contact(&mut txn, row.id).await?;
        }
        let mut outbox = Outbox::default();
        for side in [row.requester_id, row.addressee_id] {
            let peer = row.other(side);
            outbox
                .record(&mut txn, side, |user_seq| {
                    ServerEvent::ContactRemoved(ContactRemoved {
                        user_seq,
                        contact_id: row.id,
                        user_id: peer,
                        reason,
                    })
                })
                .await?;
        }
        txn.commit().await.map_err(StoreError::from)?;
        self.notifications.publish(&mut outbox);
        Ok(())
    }

    async fn views(&self, caller: UserId, rows: &[ContactRow]) -> Result<Vec<Contact>> {
        let ids: Vec<UserId> = rows.iter().map(|r| r.other(caller)).collect();
        let users = self.users(&ids).await?;
        rows.iter().map(|row| view(caller, row, &users)).collect()
    }

    async fn users(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>> {
        Ok(self
            .store
            .users_by_ids(ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u.to_api()))
            .collect())
    }
}

/// What the blocked side is told about the end of a contact or request.
fn removal_seen_by_other(row: &ContactRow, other: UserId) -> ContactRemovedReason {
    match (row.status.as_str(), row.requester_id == other) {
        ("pending", true) => ContactRemovedReason::Declined,
        ("pending", false) => ContactRemovedReason::Cancelled,
        _ => ContactRemovedReason::Removed,
    }
}

fn contact_notification(
    user: UserId,
    actor: UserId,
    contact: Uuid,
    kind: NotificationKind,
) -> NewNotification {
    NewNotification {
        user_id: user,
        kind: kind.as_str(),
        actor_id: Some(actor),
        chat_id: None,
        message_id: None,
        contact_id: Some(contact),
        silent: false,
    }
}

/// `row` as `side` sees it.
fn view(side: UserId, row: &ContactRow, users: &HashMap<UserId, User>) -> Result<Contact> {
    let user = users
        .get(&row.other(side))
        .cloned()
        .ok_or(Error::NotFound("no such user"))?;
    Ok(Contact {
        id: row.id,
        user,
        status: if row.status == "accepted" {
            ContactStatus::Accepted
        } else {
            ContactStatus::Pending
        },
        outgoing: row.requester_id == side,
        message: row.message.clone(),
        created_at: row.created_at,
        accepted_at: (row.status == "accepted")
            .then_some(row.responded_at)
            .flatten(),
    })
}
