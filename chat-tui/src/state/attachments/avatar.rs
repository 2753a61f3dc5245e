//! Avatars drawn where the terminal draws images: one's own (large) in the profile, other
//! users' (`size=small`) in their profile box and the group's member list. Fetched like a
//! thumbnail on the network task (never on the UI's path) once something shows them, and
//! kept in memory by address: `avatarUrl` changes with the picture, so each picture is
//! fetched once and no `ETag` round trip is needed. Encoded for the terminal by the preview
//! path.

use common::api::User;

use super::types::{AttachCommand, Thumbnail};
use crate::state::AppState;
use crate::state::event::Command;

/// Asks for the user's own avatar when the terminal draws images and it is not held yet.
pub(in crate::state) fn want_own(state: &mut AppState, out: &mut Vec<Command>) {
    if state.attachments.picker.is_none() {
        return;
    }
    let Some(url) = state.me.as_ref().and_then(|me| me.avatar_url.clone()) else {
        return;
    };
    if state.attachments.avatars.contains_key(&url) {
        return;
    }
    state
        .attachments
        .avatars
        .insert(url.clone(), Thumbnail::Loading);
    out.push(Command::Attachment(AttachCommand::Avatar(url)));
}

/// Other users' pictures held at most; past it, initials (a member list of thousands
/// must not fill memory with pictures nobody looks at twice).
pub const MAX_HELD: usize = 256;

/// The small size of an avatar address (`?v=…` from the server, `&size=small` added).
pub fn small_url(avatar_url: &str) -> String {
    let sep = if avatar_url.contains('?') { '&' } else { '?' };
    format!("{avatar_url}{sep}size=small")
}

/// Asks for `user`'s small avatar when the terminal draws images, the user has one, and it
/// is neither held nor asked for yet.
pub(in crate::state) fn want_user(state: &mut AppState, user: &User, out: &mut Vec<Command>) {
    if state.attachments.picker.is_none() {
        return;
    }
    let Some(url) = user.avatar_url.as_deref().map(small_url) else {
        return;
    };
    if state.attachments.avatars.contains_key(&url) || state.attachments.avatars.len() >= MAX_HELD {
        return;
    }
    state
        .attachments
        .avatars
        .insert(url.clone(), Thumbnail::Loading);
    out.push(Command::Attachment(AttachCommand::Avatar(url)));
}

/// An avatar arrived: encoded once for the terminal (bounded, see `preview::decode`).
pub(super) fn arrived(state: &mut AppState, url: String, bytes: Option<Vec<u8>>) {
    let preview = bytes
        .zip(state.attachments.picker.as_ref())
        .and_then(|(bytes, picker)| crate::preview::decode(picker, &bytes));
    state
        .attachments
        .avatars
        .insert(url, preview.map_or(Thumbnail::Failed, Thumbnail::Ready));
}
