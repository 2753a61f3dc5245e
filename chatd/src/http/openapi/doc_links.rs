//! The document's links: from an operation that creates something to the operations that
//! take its id, so that a client (and the fuzzer's stateful phase) can follow them.

use utoipa::openapi::RefOr;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;

/// What a created resource's id leads to: (operation, status, the operations that take it,
/// and their path parameters with where each comes from). Clients (and the fuzzer's stateful
/// phase) follow these from a create to what can be done with the result.
type LinkSet = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

const CHAT_ID: &[(&str, &str)] = &[("id", "$response.body#/id")];
const ID: &[(&str, &str)] = &[("id", "$response.body#/id")];

const LINKS: [LinkSet; 8] = [
    (
        "chats_group",
        "201",
        &[
            "chats_one",
            "chats_update",
            "chats_delete",
            "chats_leave",
            "chats_read",
            "chats_add_participants",
            "chats_transfer",
            "messages_page",
            "messages_send",
            "notifications_mute",
            "notifications_unmute",
            "links_chat_link",
        ],
        CHAT_ID,
    ),
    (
        "chats_group",
        "201",
        &["chats_set_role", "chats_remove_participant"],
        &[
            ("id", "$response.body#/id"),
            ("user_id", "$response.body#/participants/0/user/id"),
        ],
    ),
    (
        "messages_send",
        "201",
        &[
            "messages_edit",
            "messages_remove",
            "messages_react",
            "messages_unreact",
            "links_message_link",
        ],
        &[("id", "$response.body#/messageId")],
    ),
    (
        "attachments_upload",
        "201",
        &[
            "attachments_download",
            "attachments_thumbnail",
            "attachments_remove",
        ],
        ID,
    ),
    (
        "notifications_register",
        "201",
        &["notifications_unregister"],
        ID,
    ),
    (
        "contacts_request",
        "201",
        &[
            "contacts_cancel",
            "contacts_remove",
            "contacts_accept",
            "contacts_decline",
        ],
        ID,
    ),
    ("auth_register", "201", &["users_user"], ID),
    (
        "auth_register",
        "201",
        &["contacts_block", "contacts_unblock"],
        &[("user_id", "$response.body#/id")],
    ),
];

/// Adds the links of [`LINKS`] to the operations they start from.
pub(super) fn add(ops: &mut [&mut Operation]) {
    for (from, status, targets, params) in LINKS {
        let Some(op) = ops
            .iter_mut()
            .find(|op| op.operation_id.as_deref() == Some(from))
        else {
            continue;
        };
        let Some(RefOr::T(response)) = op.responses.responses.get_mut(status) else {
            continue;
        };
        for target in targets {
            let link = params.iter().fold(
                LinkBuilder::new().operation_id(*target),
                |link, (name, from)| link.parameter(*name, *from),
            );
            response
                .links
                .insert((*target).to_owned(), RefOr::T(link.build()));
        }
    }
}
