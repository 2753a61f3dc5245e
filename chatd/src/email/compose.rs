//! The texts of the mails: verification, password reset and the missed-message digest.
//! Text from users (names, message lines) is sanitized first: no control character, no
//! invisible or direction-changing character, and bounded in length.

use std::fmt::Write as _;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::store::email::DigestItem;
use crate::text::strip_invisible;

/// Lines of a message a digest quotes.
const QUOTED_LINES: usize = 3;
/// Characters of one quoted line.
const LINE_MAX: usize = 200;
/// Characters of a name.
const NAME_MAX: usize = 80;

/// One mail: subject and plain-text body.
#[derive(Clone, Debug)]
pub struct Mail {
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
}

/// The verification mail of `email` with `token`, whose link verifies it when opened.
pub fn verification(base: &str, username: &str, email: &str, token: &str, ttl_mins: u64) -> Mail {
    let host = host_of(base);
    Mail {
        subject: format!("Verify your email address on {host}"),
        body: format!(
            "Hello {username},\n\n\
             please confirm that {email} is your address on {host} by opening this link:\n\n\
             {base}/api/users/me/email/verify?token={token}\n\n\
             or by entering this code in your chat client (chat-tui: /verify CODE):\n\n\
             {token}\n\n\
             The code is valid for {} and works once. If you did not ask for this, ignore \
             this mail.\n",
            duration(ttl_mins)
        ),
    }
}

/// The password-reset mail with `token`.
pub fn reset(base: &str, username: &str, token: &str, ttl_mins: u64) -> Mail {
    let host = host_of(base);
    Mail {
        subject: format!("Reset your password on {host}"),
        body: format!(
            "Hello {username},\n\n\
             someone (hopefully you) asked to reset the password of your account on {host}.\n\
             Your reset code, valid for {} and usable once:\n\n\
             {token}\n\n\
             Set a new password with it: POST {base}/api/auth/password-reset/confirm\n\
             with {{\"token\": \"CODE\", \"newPassword\": \"...\"}}. Every session of the \
             account is signed out.\n\n\
             If you did not ask for this, ignore this mail: your password stays as it is.\n",
            duration(ttl_mins)
        ),
    }
}

/// The missed-message digest of `items` (oldest first); `link` gives a message's deep link.
pub fn digest(
    base: &str,
    username: &str,
    items: &[DigestItem],
    link: impl Fn(&DigestItem) -> String,
) -> Mail {
    let host = host_of(base);
    let mut body = format!("Hello {username},\n\nwhile you were away on {host}:\n");
    for item in items {
        let sender = match &item.sender_display_name {
            Some(name) => format!("{} (@{})", clean_name(name), item.sender_username),
            None => format!("@{}", item.sender_username),
        };
        let place = match (item.chat_kind.as_str(), &item.chat_name) {
            ("direct", _) | (_, None) => format!("Direct message from {sender}"),
            (_, Some(name)) => format!("{sender} mentioned you in {}", clean_name(name)),
        };
        let _ = write!(body, "\n{place}, {}:\n", when(item.created_at));
        for line in quote(item.content.as_deref().unwrap_or("")) {
            let _ = writeln!(body, "  > {line}");
        }
        let _ = writeln!(body, "  {}", link(item));
    }
    let _ = write!(
        body,
        "\nOpen your chat client to read and answer. You get at most one such mail in a \
         while; turn them off with PUT {base}/api/users/me/email/settings \
         {{\"digest\": \"off\"}}.\n"
    );
    let count = items.len();
    Mail {
        subject: if count == 1 {
            format!("1 unread message on {host}")
        } else {
            format!("{count} unread messages on {host}")
        },
        body,
    }
}

/// The first lines of a message, sanitized and cut.
pub fn quote(content: &str) -> Vec<String> {
    let lines: Vec<&str> = content.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out: Vec<String> = lines
        .iter()
        .take(QUOTED_LINES)
        .map(|line| cut(&clean(line), LINE_MAX))
        .collect();
    if lines.len() > QUOTED_LINES {
        out.push("...".into());
    }
    out
}

/// No control characters (a tab becomes a space), no invisible format characters.
fn clean(text: &str) -> String {
    strip_invisible(text)
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

fn clean_name(name: &str) -> String {
    cut(&clean(name), NAME_MAX)
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push_str("...");
    out
}

fn host_of(base: &str) -> String {
    url::Url::parse(base)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                u.port()
                    .map_or_else(|| h.to_owned(), |p| format!("{h}:{p}"))
            })
        })
        .unwrap_or_else(|| base.to_owned())
}

fn when(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day] [hour]:[minute] UTC"
    ))
    .unwrap_or_default()
}

fn duration(mins: u64) -> String {
    match mins {
        m if m % 60 == 0 && m >= 120 => format!("{} hours", m / 60),
        60 => "1 hour".into(),
        1 => "1 minute".into(),
        m => format!("{m} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_and_cleaned() {
        let text = "one\x1b[31m red\u{202E}\n\ntwo\tx\nthree\nfour";
        assert_eq!(quote(text), ["one[31m red", "two x", "three", "..."]);
        let long = "x".repeat(300);
        assert_eq!(quote(&long)[0].chars().count(), LINE_MAX + 3);
        assert_eq!(duration(1440), "24 hours");
        assert_eq!(duration(15), "15 minutes");
        assert_eq!(host_of("http://127.0.0.1:8080"), "127.0.0.1:8080");
    }
}
