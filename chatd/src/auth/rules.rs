//! The input rules of accounts: usernames, passwords, display names, status messages.

use common::ErrorDetail;
use common::limits::{
    DISPLAY_NAME_MAX, PASSWORD_MAX, STATUS_MESSAGE_MAX, USERNAME_MAX, USERNAME_MIN,
};

/// Lower-cases a username and checks it: 3-32 characters of `[a-z0-9_.-]`.
pub fn normalize_username(raw: &str) -> Result<String, ErrorDetail> {
    let username = raw.trim().to_lowercase();
    let len = username.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) {
        return Err(ErrorDetail::new(
            "username",
            format!("must be {USERNAME_MIN} to {USERNAME_MAX} characters"),
        ));
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
    {
        return Err(ErrorDetail::new(
            "username",
            "may contain only letters a-z, digits, '_', '.' and '-'",
        ));
    }
    Ok(username)
}

/// The password policy: at least `min_len` characters, at most 1024, not the username,
/// and not one character repeated.
pub fn check_password(password: &str, username: &str, min_len: usize) -> Vec<ErrorDetail> {
    let mut problems = Vec::new();
    let len = password.chars().count();
    if len < min_len {
        problems.push(ErrorDetail::new(
            "password",
            format!("must be at least {min_len} characters"),
        ));
    }
    if len > PASSWORD_MAX {
        problems.push(ErrorDetail::new(
            "password",
            format!("must be at most {PASSWORD_MAX} characters"),
        ));
    }
    if !username.is_empty() && password.to_lowercase().contains(username) {
        problems.push(ErrorDetail::new(
            "password",
            "must not contain the username",
        ));
    }
    let mut chars = password.chars();
    if let Some(first) = chars.next()
        && len > 1
        && chars.all(|c| c == first)
    {
        problems.push(ErrorDetail::new(
            "password",
            "must not be one character repeated",
        ));
    }
    problems
}

fn check_text(field: &str, value: &str, max: usize) -> Result<Option<String>, ErrorDetail> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(ErrorDetail::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ErrorDetail::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(value.to_owned()))
}

/// Trims a display name; empty means none. At most 64 characters, no control characters,
/// no invisible or direction-changing characters ([`crate::text::check_visible`]).
pub fn validate_display_name(value: &str) -> Result<Option<String>, ErrorDetail> {
    let name = check_text("displayName", value, DISPLAY_NAME_MAX)?;
    if let Some(name) = &name {
        crate::text::check_visible("displayName", name)?;
    }
    Ok(name)
}

/// Trims a status message; empty means none. At most 140 characters, no control characters.
pub fn validate_status_message(value: &str) -> Result<Option<String>, ErrorDetail> {
    check_text("statusMessage", value, STATUS_MESSAGE_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_fold_case_and_follow_the_alphabet() {
        assert_eq!(
            normalize_username("Ada_Lovelace.1-x").unwrap(),
            "ada_lovelace.1-x"
        );
        for bad in [
            "ab",
            &"a".repeat(33),
            "has space",
            "emoji😀",
            "semi;colon",
            "",
        ] {
            let err = normalize_username(bad).unwrap_err();
            assert_eq!(err.field, "username", "{bad:?}");
        }
        assert!(normalize_username("abc").is_ok());
        assert!(normalize_username(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn password_policy() {
        assert!(check_password("long enough pw", "ada", 8).is_empty());
        assert_eq!(check_password("short", "ada", 8).len(), 1);
        assert_eq!(
            check_password("xxada-secretxx", "ada", 8)[0].message,
            "must not contain the username"
        );
        assert_eq!(
            check_password("aaaaaaaaaa", "bob", 8)[0].message,
            "must not be one character repeated"
        );
        assert!(!check_password(&"p".repeat(1025), "bob", 8).is_empty());
    }

    #[test]
    fn display_names_are_trimmed_bounded_and_clean() {
        assert_eq!(
            validate_display_name("  Ada  ").unwrap().as_deref(),
            Some("Ada")
        );
        assert_eq!(validate_display_name("   ").unwrap(), None);
        assert!(validate_display_name(&"x".repeat(65)).is_err());
        assert!(validate_display_name("evil\u{1b}[31m").is_err());
        assert!(validate_display_name("admin\u{202E}nimda").is_err());
        assert!(validate_status_message(&"y".repeat(141)).is_err());
    }
}
