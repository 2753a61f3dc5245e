//! One's own avatar drawn in the profile, where the terminal draws images: fetched like a
//! thumbnail once the profile names it (`avatarUrl` changes with the picture, so each
//! picture is fetched once) and encoded for the terminal by the preview path.

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
