//! Deep links to chats and messages: `chat://<host>/c/<slug-or-id>` and
//! `chat://<host>/c/<slug-or-id>/m/<message-id>`, and the same paths under `https://<host>`
//! (or `http://`) for places that only take web URLs. Parsing only: whether a link resolves
//! is the server's answer (`GET /api/links/resolve`), `NOT_FOUND` for anyone not a member.

use std::fmt;

use crate::ids::{ChatId, MessageId};

/// The scheme of in-app links.
pub const SCHEME: &str = "chat";

/// How a link names its chat.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChatTarget {
    /// By id (any chat, direct ones included).
    Id(ChatId),
    /// By a group's slug (`[a-z0-9-]`, 3-64, folded to lower case).
    Slug(String),
}

impl fmt::Display for ChatTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => id.fmt(f),
            Self::Slug(slug) => f.write_str(slug),
        }
    }
}

/// A parsed deep link.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChatLink {
    /// The server's host (with its port, if the link has one).
    pub host: String,
    /// The chat.
    pub chat: ChatTarget,
    /// The message, for message links.
    pub message: Option<MessageId>,
}

/// Why a string is not a deep link.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a URL at all.
    #[error("not a URL")]
    NotAUrl,
    /// A scheme other than `chat`, `https` or `http`.
    #[error("links start with chat://, https:// or http://")]
    Scheme,
    /// No host.
    #[error("the link names no host")]
    NoHost,
    /// The path is not `/c/<chat>` or `/c/<chat>/m/<message>`.
    #[error("the path must be /c/<chat> or /c/<chat>/m/<message>")]
    Path,
    /// The chat part is neither an id nor a valid slug.
    #[error("the chat must be an id or a slug of 3-64 characters a-z, 0-9 and -")]
    Chat,
    /// The message part is not an id.
    #[error("the message must be an id")]
    Message,
}

impl ChatLink {
    /// A link to a chat.
    pub fn chat(host: impl Into<String>, chat: ChatTarget) -> Self {
        Self {
            host: host.into(),
            chat,
            message: None,
        }
    }

    /// A link to a message of a chat.
    pub fn message(host: impl Into<String>, chat: ChatTarget, message: MessageId) -> Self {
        Self {
            host: host.into(),
            chat,
            message: Some(message),
        }
    }

    /// The path: `/c/<chat>` or `/c/<chat>/m/<message>`.
    pub fn path(&self) -> String {
        match self.message {
            Some(message) => format!("/c/{}/m/{message}", self.chat),
            None => format!("/c/{}", self.chat),
        }
    }

    /// The `chat://` form.
    pub fn to_app_url(&self) -> String {
        format!("{SCHEME}://{}{}", self.host, self.path())
    }

    /// The `https://` form.
    pub fn to_https_url(&self) -> String {
        format!("https://{}{}", self.host, self.path())
    }
}

impl fmt::Display for ChatLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_app_url())
    }
}

impl std::str::FromStr for ChatLink {
    type Err = LinkError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// Parses a `chat://`, `https://` or `http://` deep link. Surrounding whitespace and a
/// trailing slash are tolerated; a query or fragment is ignored.
pub fn parse(input: &str) -> Result<ChatLink, LinkError> {
    let url = url::Url::parse(input.trim()).map_err(|_| LinkError::NotAUrl)?;
    if !matches!(url.scheme(), SCHEME | "https" | "http") {
        return Err(LinkError::Scheme);
    }
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) if !host.is_empty() => format!("{host}:{port}"),
        (Some(host), None) if !host.is_empty() => host.to_owned(),
        _ => return Err(LinkError::NoHost),
    };
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let (chat, message) = match segments.as_slice() {
        ["c", chat] => (*chat, None),
        ["c", chat, "m", message] => (*chat, Some(*message)),
        _ => return Err(LinkError::Path),
    };
    let chat = parse_chat(chat)?;
    let message = message
        .map(|m| m.parse::<MessageId>().map_err(|_| LinkError::Message))
        .transpose()?;
    Ok(ChatLink {
        host,
        chat,
        message,
    })
}

/// The two forms of an invite link: `chat://<host>/join/<token>` and
/// `https://<host>/join/<token>`.
pub fn invite_links(host: &str, token: &str) -> (String, String) {
    (
        format!("{SCHEME}://{host}/join/{token}"),
        format!("https://{host}/join/{token}"),
    )
}

/// The token of an invite link (`chat://`, `https://` or `http://` with the path
/// `/join/<token>`) or of a bare token; `None` for anything else.
pub fn invite_token(input: &str) -> Option<String> {
    let input = input.trim();
    let valid = |t: &str| {
        (16..=128).contains(&t.len())
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if valid(input) {
        return Some(input.to_owned());
    }
    let url = url::Url::parse(input).ok()?;
    if !matches!(url.scheme(), SCHEME | "https" | "http") {
        return None;
    }
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["join", token] if valid(token) => Some((*token).to_owned()),
        _ => None,
    }
}

fn parse_chat(part: &str) -> Result<ChatTarget, LinkError> {
    if let Ok(id) = part.parse::<ChatId>() {
        return Ok(ChatTarget::Id(id));
    }
    let slug = part.to_lowercase();
    let valid = (3..=64).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(ChatTarget::Slug(slug))
    } else {
        Err(LinkError::Chat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAT: &str = "01a20258-eac8-769a-9e59-81d63e55f208";
    const MESSAGE: &str = "01a20258-eac8-769a-9e59-81d63e55f209";

    #[test]
    fn both_schemes_by_id_and_slug_with_and_without_message() {
        let chat: ChatId = CHAT.parse().unwrap();
        let message: MessageId = MESSAGE.parse().unwrap();
        for (input, expected) in [
            (
                format!("chat://chat.example.com/c/{CHAT}"),
                ChatLink::chat("chat.example.com", ChatTarget::Id(chat)),
            ),
            (
                format!("https://chat.example.com/c/{CHAT}/m/{MESSAGE}"),
                ChatLink::message("chat.example.com", ChatTarget::Id(chat), message),
            ),
            (
                "chat://localhost:7878/c/Team-Ops".to_owned(),
                ChatLink::chat("localhost:7878", ChatTarget::Slug("team-ops".into())),
            ),
            (
                format!("  http://10.0.0.1:8080/c/team-ops/m/{MESSAGE}/?x=1#y "),
                ChatLink::message(
                    "10.0.0.1:8080",
                    ChatTarget::Slug("team-ops".into()),
                    message,
                ),
            ),
        ] {
            assert_eq!(parse(&input), Ok(expected), "{input}");
        }
    }

    #[test]
    fn links_round_trip_through_both_forms() {
        let link = ChatLink::message(
            "chat.example.com",
            ChatTarget::Slug("ops".into()),
            MESSAGE.parse().unwrap(),
        );
        assert_eq!(
            link.to_app_url(),
            format!("chat://chat.example.com/c/ops/m/{MESSAGE}")
        );
        assert_eq!(parse(&link.to_app_url()), Ok(link.clone()));
        assert_eq!(parse(&link.to_https_url()), Ok(link.clone()));
        assert_eq!(link.to_string().parse::<ChatLink>(), Ok(link));
    }

    #[test]
    fn invite_links_and_bare_tokens_give_their_token() {
        let token = "GGMwKlhlEQ-A1WbE_SkKPi5sRKKpgq7IdAHjBPFs-3k";
        let (app, https) = invite_links("chat.example.com:7878", token);
        assert_eq!(app, format!("chat://chat.example.com:7878/join/{token}"));
        for input in [app.as_str(), https.as_str(), token, &format!(" {https}/ ")] {
            assert_eq!(invite_token(input).as_deref(), Some(token), "{input}");
        }
        for input in [
            "",
            "chat://host/c/ops",
            "ftp://host/join/x",
            "chat://h/join/a b",
        ] {
            assert_eq!(invite_token(input), None, "{input}");
        }
    }

    #[test]
    fn malformed_links_say_what_is_wrong() {
        for (input, error) in [
            ("", LinkError::NotAUrl),
            ("not a link", LinkError::NotAUrl),
            ("ftp://host/c/ops", LinkError::Scheme),
            ("chat:/c/ops", LinkError::NoHost),
            ("chat:///c/ops", LinkError::NoHost),
            ("chat://host", LinkError::Path),
            ("chat://host/c", LinkError::Path),
            ("chat://host/x/ops", LinkError::Path),
            ("chat://host/c/ops/m", LinkError::Path),
            ("chat://host/c/ops/x/1", LinkError::Path),
            ("chat://host/c/ops/m/1/extra", LinkError::Path),
            ("chat://host/c/no", LinkError::Chat),
            ("chat://host/c/bad_slug!", LinkError::Chat),
            ("chat://host/c/ops/m/not-an-id", LinkError::Message),
        ] {
            assert_eq!(parse(input), Err(error), "{input:?}");
        }
    }
}
