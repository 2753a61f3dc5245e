//! Avatars in the terminal: a user's initials in a badge (the picture itself is for clients
//! that draw images; `avatarUrl` says one exists).

use common::api::User;

/// Up to two letters: the first of the display name's first two words, or the first two
/// of the username. Only letters and digits, so nothing a terminal interprets.
pub fn initials(user: &User) -> String {
    let from_name: String = user
        .display_name
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .collect();
    let letters = if from_name.is_empty() {
        user.username
            .chars()
            .filter(|c| c.is_alphanumeric())
            .take(2)
            .collect()
    } else {
        from_name
    };
    letters.to_uppercase()
}

/// The badge drawn before a name: `[AL]`, and `*` after it when the user has a picture.
pub fn badge(user: &User) -> String {
    let mark = if user.avatar_url.is_some() { "*" } else { "" };
    format!("[{}]{mark}", initials(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(username: &str, display: Option<&str>, avatar: bool) -> User {
        User {
            id: common::UserId::new(),
            username: username.to_owned(),
            display_name: display.map(str::to_owned),
            status_message: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            avatar_url: avatar.then(|| "/api/users/x/avatar?v=1".to_owned()),
        }
    }

    #[test]
    fn initials_come_from_the_display_name_or_the_username_and_never_carry_controls() {
        assert_eq!(
            initials(&user("ada", Some("Ada Lovelace King"), false)),
            "AL"
        );
        assert_eq!(initials(&user("bob.smith", None, false)), "BO");
        assert_eq!(
            initials(&user("zoe", Some("\u{1b}[31mx \u{202e}y"), false)),
            "3Y"
        );
        assert_eq!(initials(&user("émile", Some("émile zola"), false)), "ÉZ");
        assert_eq!(badge(&user("ada", Some("Ada"), true)), "[A]*");
        assert_eq!(badge(&user("..", None, false)), "[]");
    }
}
