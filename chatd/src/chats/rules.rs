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
