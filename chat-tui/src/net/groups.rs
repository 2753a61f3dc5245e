//! Groups by name: the slug a new group takes from its name (so `/group "Launch Team"`
//! has the link `chat://…/c/launch-team`), and the group a script means by `--to`: a slug,
//! or a name written as in the chat list.

use common::ChatId;
use common::api::{ChatDetail, CreateGroupRequest};
use common::client::ClientError;

use super::Auth;

/// The slug for a group name: lower-case ASCII letters and digits, every other run of
/// characters one `-`, at most 64 (the server's rule: 3-64 of `a-z`, `0-9`, `-`). `None`
/// when fewer than 3 remain (a name in another script, say).
pub fn slug_of(name: &str) -> Option<String> {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(64);
    let slug = slug.trim_end_matches('-');
    (slug.len() >= 3).then(|| slug.to_owned())
}

/// Creates the group with the slug of its name; when another group has it, with `-2`,
/// `-3`... after it, and with none after a few tries (a slug is a convenience, the group
/// is what was asked for).
pub async fn create(
    auth: &Auth,
    name: String,
    participant_ids: Vec<common::UserId>,
) -> Result<ChatDetail, ClientError> {
    let base = slug_of(&name);
    let mut candidates: Vec<Option<String>> = Vec::new();
    if let Some(base) = &base {
        candidates.push(Some(base.clone()));
        for n in 2..=5 {
            let suffix = format!("-{n}");
            let mut slug = base.clone();
            slug.truncate(64 - suffix.len());
            candidates.push(Some(format!("{}{suffix}", slug.trim_end_matches('-'))));
        }
    }
    candidates.push(None);
    let mut last = None;
    for slug in candidates {
        let req = CreateGroupRequest {
            name: name.clone(),
            slug,
            participant_ids: participant_ids.clone(),
            ..Default::default()
        };
        match auth
            .call(|c| {
                let req = req.clone();
                async move { c.create_group(&req).await }
            })
            .await
        {
            Err(e) if e.status() == Some(409) => last = Some(e),
            other => return other,
        }
    }
    Err(last.unwrap_or(ClientError::NotLoggedIn))
}

/// The group `to` names among the user's chats: its slug as given, the slug of the name
/// (`"Launch Team"` finds `launch-team`), else the one group whose name is `to` (any case).
pub async fn find(auth: &Auth, to: &str) -> Result<Option<ChatId>, ClientError> {
    let to = to.trim().trim_start_matches('#');
    let mut slugs = vec![to.to_owned()];
    if let Some(slug) = slug_of(to).filter(|s| s != to) {
        slugs.push(slug);
    }
    for slug in slugs {
        match auth
            .call(|c| {
                let slug = slug.clone();
                async move { c.chat_by_slug(&slug).await }
            })
            .await
        {
            Ok(detail) => return Ok(Some(detail.chat.id)),
            Err(e) if matches!(e.status(), Some(400 | 404)) => {}
            Err(e) => return Err(e),
        }
    }
    let list = auth.call(|c| async move { c.chats().await }).await?;
    let mut named = list.chats.into_iter().filter(|c| {
        c.kind == common::api::ChatKind::Group
            && c.name
                .as_deref()
                .is_some_and(|n| n.to_lowercase() == to.to_lowercase())
    });
    // Two groups of that name: the name says nothing, the slug or id must.
    Ok(match (named.next(), named.next()) {
        (Some(one), None) => Some(one.id),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn group_names_become_slugs() {
        assert_eq!(slug_of("Launch Team").as_deref(), Some("launch-team"));
        assert_eq!(
            slug_of("  Q3 / Ops -- Berlin! ").as_deref(),
            Some("q3-ops-berlin")
        );
        assert_eq!(slug_of("Équipe café").as_deref(), Some("quipe-caf"));
        assert_eq!(slug_of("日本語"), None);
        assert_eq!(slug_of("ab"), None);
        assert_eq!(slug_of(&"x".repeat(80)).map(|s| s.len()), Some(64));
        assert_eq!(
            slug_of(&format!("{} b", "a".repeat(63))).as_deref(),
            Some(&*"a".repeat(63))
        );
    }
}
