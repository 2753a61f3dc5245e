//! The rules of chat fields: group names and slugs, and the group size limit.

use common::ErrorDetail;
use common::UserId;
use common::api::CreateGroupRequest;

use crate::error::{Error, Result};

/// Name of a group: 1-100 characters.
const NAME_MAX: usize = 100;

/// The checked parts of a new group owned by `owner`: its name, its slug, and the other
/// members (each once, the owner left out), or every problem at once.
pub(super) fn checked_group(
    owner: UserId,
    req: &CreateGroupRequest,
) -> Result<(Option<String>, Option<String>, Vec<UserId>)> {
    let mut problems = Vec::new();
    let name = check_name(&req.name).map_err(|d| problems.push(d)).ok();
    let slug = match req.slug.as_deref().map(check_slug) {
        Some(Ok(slug)) => slug,
        Some(Err(d)) => {
            problems.push(d);
            None
        }
        None => None,
    };
    let mut others: Vec<UserId> = req.participant_ids.clone();
    others.sort();
    others.dedup();
    others.retain(|id| *id != owner);
    if others.len() + 1 > common::limits::GROUP_MEMBERS_MAX {
        problems.push(group_too_large());
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    Ok((name, slug, others))
}

pub(super) fn group_too_large() -> ErrorDetail {
    ErrorDetail::new(
        "participantIds",
        format!(
            "a group has at most {} members",
            common::limits::GROUP_MEMBERS_MAX
        ),
    )
}

pub(super) fn check_name(name: &str) -> std::result::Result<String, ErrorDetail> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > NAME_MAX {
        return Err(ErrorDetail::new(
            "name",
            format!("must be 1-{NAME_MAX} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ErrorDetail::new(
            "name",
            "must not contain control characters",
        ));
    }
    crate::text::check_visible("name", name)?;
    Ok(name.to_owned())
}

/// `""` removes the slug; otherwise 3-64 of `[a-z0-9-]` (folded to lower case).
pub(super) fn check_slug(slug: &str) -> std::result::Result<Option<String>, ErrorDetail> {
    let slug = slug.trim().to_lowercase();
    if slug.is_empty() {
        return Ok(None);
    }
    if !(3..=64).contains(&slug.len())
        || !slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(ErrorDetail::new(
            "slug",
            "must be 3-64 characters of a-z, 0-9 and '-'",
        ));
    }
    Ok(Some(slug))
}

/// A description as stored: trimmed, `None` when empty; at most 1,000 characters and no
/// control characters but newline and tab (the message content rule, so the terminal
/// client can show it as safely as a message).
pub(super) fn check_description(text: &str) -> std::result::Result<Option<String>, ErrorDetail> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let max = common::api::DESCRIPTION_MAX;
    if text.chars().count() > max {
        return Err(ErrorDetail::new(
            "description",
            format!("must be at most {max} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ErrorDetail::new(
            "description",
            "must not contain control characters other than newline and tab",
        ));
    }
    Ok(Some(text.to_owned()))
}

/// A member cap: 2 to the server's 300, and not below the `current` member count.
pub(super) fn check_max_members(max: u32, current: usize) -> std::result::Result<i32, ErrorDetail> {
    let cap = common::limits::GROUP_MEMBERS_MAX;
    let value = max as usize;
    if !(2..=cap).contains(&value) {
        return Err(ErrorDetail::new(
            "maxMembers",
            format!("must be between 2 and {cap}"),
        ));
    }
    if value < current {
        return Err(ErrorDetail::new(
            "maxMembers",
            format!("the group has {current} members already"),
        ));
    }
    i32::try_from(max).map_err(|_| ErrorDetail::new("maxMembers", "out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_follow_the_message_rule() {
        assert_eq!(check_description("  \n "), Ok(None));
        assert_eq!(
            check_description(" *Weekly* sync\n\tnotes ")
                .unwrap()
                .as_deref(),
            Some("*Weekly* sync\n\tnotes")
        );
        assert!(check_description(&"x".repeat(1000)).is_ok());
        assert!(check_description(&"x".repeat(1001)).is_err());
        assert!(check_description("\u{1b}[2Jgotcha").is_err());
    }

    #[test]
    fn caps_stay_between_two_and_three_hundred_and_above_the_members() {
        assert_eq!(check_max_members(300, 1), Ok(300));
        assert!(check_max_members(301, 1).is_err());
        assert!(check_max_members(1, 1).is_err());
        assert!(check_max_members(4, 5).is_err());
        assert_eq!(check_max_members(5, 5), Ok(5));
    }
}
