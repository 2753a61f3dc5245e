//! The network task: REST calls and the WebSocket, talking to the UI loop only through
//! channels, so a slow or dead server never blocks typing or scrolling. Every REST call runs
//! on its own task; results come back as [`NetEvent`]s.
//!
//! Over 400 lines because it is the one dispatch from `Command` to network call; the calls
//! themselves live in the submodules (auth, socket, groups, social, ...).

pub mod attachments;
mod auth;
mod directory;
mod events;
pub mod groups;
mod social;
pub mod socket;
mod start;

use std::sync::Arc;

use common::api::{
    ChangePasswordRequest, ChatDetail, RegisterRequest, SyncRequest, UpdateChatRequest,
    UpdateProfileRequest, User,
};
use common::client::{Client, ClientError, PageAt};
use common::ws::{ChatRef, ClientRequest, EditData, MessageRef, PresenceData, ReactionData};
use tokio::sync::mpsc;

use crate::session::SessionFile;
use crate::state::{Command, Event, NetEvent};
pub use auth::Auth;

/// How many messages a chat's first page holds.
const PAGE: u32 = 50;

/// Starts the network task; commands go in through the returned sender.
pub fn spawn(
    server: String,
    file: SessionFile,
    events: mpsc::UnboundedSender<Event>,
) -> mpsc::UnboundedSender<Command> {
    spawn_cached(server, file, events, None)
}

/// [`spawn`], with the offline cache's writer (emptied on logout; [`Command::Cache`] sent here is written too).
pub fn spawn_cached(
    server: String,
    file: SessionFile,
    events: mpsc::UnboundedSender<Event>,
    cache: Option<crate::cache::Writer>,
) -> mpsc::UnboundedSender<Command> {
    spawn_with(server, file, events, cache, TransportMode::Auto)
}

/// [`spawn_cached`] over the transport `transport` asks for.
pub fn spawn_with(
    server: String,
    file: SessionFile,
    events: mpsc::UnboundedSender<Event>,
    cache: Option<crate::cache::Writer>,
    transport: TransportMode,
) -> mpsc::UnboundedSender<Command> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(start::run(server, file, rx, events, cache, transport));
    tx
}

/// How the client gets its events: the WebSocket, Server-Sent Events (`GET /api/events`
/// with frames by `POST /api/frames`), or the WebSocket with a fall back to Server-Sent
/// Events when the upgrade fails (a proxy that refuses or strips it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TransportMode {
    /// The WebSocket, else Server-Sent Events.
    #[default]
    Auto,
    /// The WebSocket only.
    Ws,
    /// Server-Sent Events only.
    Sse,
}

struct Net {
    server: String,
    file: SessionFile,
    events: mpsc::UnboundedSender<Event>,
    auth: Option<Arc<Auth>>,
    ws: Option<mpsc::UnboundedSender<socket::Outgoing>>,
    next_id: u64,
    transport: TransportMode,
    cache: Option<crate::cache::Writer>,
    /// The WebSocket is up (set by the socket task).
    live: Arc<std::sync::atomic::AtomicBool>,
}

impl Net {
    fn emit(&self, event: NetEvent) {
        let _ = self.events.send(Event::Net(event));
    }

    fn ws(&mut self, prefix: &str, request: ClientRequest) {
        self.next_id += 1;
        let id = if prefix == "send" {
            match &request {
                ClientRequest::Send(data) => format!("send:{}", data.client_id),
                _ => return,
            }
        } else {
            format!("{prefix}:{}", self.next_id)
        };
        let change = match &request {
            ClientRequest::Edit(_) => Some("the edit"),
            ClientRequest::Delete(_) => Some("the delete"),
            ClientRequest::ReactionAdd(_) | ClientRequest::ReactionRemove(_) => {
                Some("the reaction")
            }
            _ => None,
        };
        // Offline the history is read-only: a change would be sent late, or lost with the
        // dead connection's queue; sends are queued by the reducer (and the cache) instead.
        if let Some(what) = change
            && !self.live.load(std::sync::atomic::Ordering::Relaxed)
        {
            return self.emit(NetEvent::Notice(format!(
                "offline: {what} needs the server; nothing was changed"
            )));
        }
        if let Some(ws) = &self.ws {
            let _ = ws.send((id, request));
        }
    }

    /// Runs a REST call on its own task and reports its result.
    fn rest<F, Fut>(&self, f: F)
    where
        F: FnOnce(Arc<Auth>, mpsc::UnboundedSender<Event>) -> Fut,
        Fut: std::future::Future<Output = Result<Option<NetEvent>, ClientError>> + Send + 'static,
    {
        let Some(auth) = self.auth.clone() else {
            return;
        };
        let events = self.events.clone();
        let auth_for_end = auth.clone();
        let fut = f(auth, events.clone());
        tokio::spawn(async move {
            let event = match fut.await {
                Ok(Some(event)) => event,
                Ok(None) => return,
                // A 401 that survived a refresh: the session is over.
                Err(e) if e.status() == Some(401) => {
                    return socket::ended(&auth_for_end, &e, &events);
                }
                Err(e) => NetEvent::Notice(describe(&e)),
            };
            let _ = events.send(Event::Net(event));
        });
    }

    #[allow(clippy::too_many_lines)]
    async fn command(&mut self, command: Command) {
        match command {
            Command::Login {
                server,
                username,
                password,
            } => self.login(server, username, password).await,
            Command::Cache(write) => self.cache_write(*write),
            Command::Register {
                server,
                username,
                password,
                password_confirm,
                display_name,
                email,
            } => {
                let Ok(client) = Client::new(server.clone()) else {
                    return;
                };
                let req = RegisterRequest {
                    username: username.clone(),
                    password: password.clone(),
                    password_confirm,
                    display_name,
                    invite_code: None,
                    email,
                };
                match client.register(&req).await {
                    Ok(_) => self.login(server, username, password).await,
                    Err(e) => self.emit(login_failure(&e)),
                }
            }
            Command::VerifyAndLogin {
                server,
                username,
                password,
                code,
            } => {
                let Ok(client) = Client::new(server.clone()) else {
                    return;
                };
                match client.verify_email(&code).await {
                    Ok(_) => self.login(server, username, password.0).await,
                    Err(e) => self.emit(login_failure(&e)),
                }
            }
            Command::ResendVerification { server, login } => {
                let Ok(client) = Client::new(server) else {
                    return;
                };
                match client.resend_verification_for(&login).await {
                    Ok(_) => self.emit(NetEvent::LoginInfo(
                        "A new code is on its way to the account's address (only the newest \
                         code works). Enter it below."
                            .into(),
                    )),
                    Err(e) => self.emit(login_failure(&e)),
                }
            }
            Command::LoadChat {
                chat_id,
                messages,
                select,
            } => self.rest(move |auth, _| async move {
                let detail = auth.call(|c| async move { c.chat(chat_id).await }).await?;
                let page = if messages {
                    Some(
                        auth.call(|c| async move {
                            c.messages(chat_id, PageAt::Latest, Some(PAGE)).await
                        })
                        .await?,
                    )
                } else {
                    None
                };
                Ok(Some(NetEvent::ChatLoaded {
                    detail: Box::new(detail),
                    page: page.map(Box::new),
                    select,
                }))
            }),
            Command::LoadOlder { chat_id, before } => self.rest(move |auth, _| async move {
                let page = auth
                    .call(|c| async move {
                        c.messages(chat_id, PageAt::Before(before), Some(PAGE))
                            .await
                    })
                    .await?;
                Ok(Some(NetEvent::Older { chat_id, page }))
            }),
            Command::Sync(chats) => self.ws(
                "sync",
                ClientRequest::Sync(SyncRequest {
                    chats,
                    limit: None,
                    user_seq: None,
                    include_blocked: false,
                }),
            ),
            // Its own id prefix: the answer goes to the user-event cursor alone.
            Command::SyncUser(user_seq) => self.ws(
                "usync",
                ClientRequest::Sync(SyncRequest {
                    chats: Vec::new(),
                    limit: None,
                    user_seq,
                    include_blocked: false,
                }),
            ),
            Command::Send(data) => self.ws("send", ClientRequest::Send(data)),
            Command::Edit {
                message_id,
                content,
                metadata,
            } => self.ws(
                "x",
                ClientRequest::Edit(EditData {
                    message_id,
                    content,
                    metadata,
                }),
            ),
            Command::Delete(message_id) => {
                self.ws("x", ClientRequest::Delete(MessageRef { message_id }));
            }
            Command::React {
                message_id,
                emoji,
                add,
            } => {
                let data = ReactionData { message_id, emoji };
                self.ws(
                    "x",
                    if add {
                        ClientRequest::ReactionAdd(data)
                    } else {
                        ClientRequest::ReactionRemove(data)
                    },
                );
            }
            // Over REST, so that a read while the socket is down is not lost.
            Command::Read { chat_id, seq } => self.rest(move |auth, _| async move {
                auth.call(|c| async move { c.mark_read(chat_id, seq).await })
                    .await?;
                Ok(None)
            }),
            Command::Typing { chat_id, start } => {
                let r = ChatRef { chat_id };
                self.ws(
                    "x",
                    if start {
                        ClientRequest::TypingStart(r)
                    } else {
                        ClientRequest::TypingStop(r)
                    },
                );
            }
            Command::Presence(status) => {
                self.ws("x", ClientRequest::Presence(PresenceData { status }));
            }
            Command::StartDirect(username) => self.rest(move |auth, _| async move {
                let user = find_user(&auth, &username).await?;
                let Some(user) = user else {
                    return Ok(Some(NetEvent::Notice(format!("no user {username}"))));
                };
                let detail = auth
                    .call(|c| async move { c.create_direct(user.id).await })
                    .await?;
                loaded(&auth, detail).await
            }),
            Command::CreateGroup { name, usernames } => self.rest(move |auth, _| async move {
                let mut ids = Vec::new();
                for username in &usernames {
                    match find_user(&auth, username).await? {
                        Some(u) => ids.push(u.id),
                        None => return Ok(Some(NetEvent::Notice(format!("no user {username}")))),
                    }
                }
                let detail = groups::create(&auth, name, ids).await?;
                loaded(&auth, detail).await
            }),
            Command::Invite { chat_id, username } => self.rest(move |auth, _| async move {
                let Some(user) = find_user(&auth, &username).await? else {
                    return Ok(Some(NetEvent::Notice(format!("no user {username}"))));
                };
                auth.call(|c| async move { c.add_participants(chat_id, vec![user.id]).await })
                    .await?;
                Ok(Some(NetEvent::Notice(format!("added {username}"))))
            }),
            Command::Kick { chat_id, user_id } => self.rest(move |auth, _| async move {
                auth.call(|c| async move { c.remove_participant(chat_id, user_id).await })
                    .await?;
                Ok(None)
            }),
            Command::Leave(chat_id) => self.rest(move |auth, _| async move {
                auth.call(|c| async move { c.leave_chat(chat_id).await })
                    .await?;
                Ok(None)
            }),
            Command::Rename { chat_id, name } => self.rest(move |auth, _| async move {
                let req = UpdateChatRequest {
                    name: Some(name),
                    slug: None,
                    ..Default::default()
                };
                auth.call(|c| {
                    let req = req.clone();
                    async move { c.update_chat(chat_id, &req).await }
                })
                .await?;
                Ok(None)
            }),
            Command::SetProfile {
                display_name,
                status_message,
            } => self.rest(move |auth, _| async move {
                let req = UpdateProfileRequest {
                    display_name,
                    status_message,
                };
                let me = auth
                    .call(|c| {
                        let req = req.clone();
                        async move { c.update_me(&req).await }
                    })
                    .await?;
                Ok(Some(NetEvent::LoggedIn(me)))
            }),
            Command::ChangePassword { current, new } => self.rest(move |auth, _| async move {
                let req = ChangePasswordRequest {
                    current_password: current.0,
                    new_password: new.0,
                };
                auth.call(|c| {
                    let req = req.clone();
                    async move { c.change_password(&req).await }
                })
                .await?;
                Ok(Some(NetEvent::Notice(
                    "password changed; your other sessions are signed out".into(),
                )))
            }),
            Command::SetAvatar(path) => self.rest(move |auth, events| async move {
                let path = attachments::expand(&path);
                let bytes = match attachments::read_checked(&path).await {
                    Ok((_, bytes)) => bytes,
                    Err(reason) => return Ok(Some(NetEvent::Notice(reason))),
                };
                let set = auth
                    .call(|c| {
                        let bytes = bytes.clone();
                        async move { c.set_avatar(bytes).await }
                    })
                    .await;
                if let Err(e) = set {
                    if e.status() == Some(401) {
                        return Err(e);
                    }
                    return Ok(Some(NetEvent::Notice(attachments::upload_error(&e))));
                }
                // The profile with its new avatarUrl.
                let me = auth.call(|c| async move { c.me().await }).await?;
                let _ = events.send(Event::Net(NetEvent::LoggedIn(me)));
                Ok(Some(NetEvent::Notice("avatar set".into())))
            }),
            Command::SearchUsers(q) => self.rest(move |auth, _| async move {
                let page = auth
                    .call(|c| {
                        let q = q.clone();
                        async move { c.search_users(&q, Some(20), None).await }
                    })
                    .await?;
                Ok(Some(NetEvent::Users(page.items)))
            }),
            Command::LoadPresence(ids) => self.rest(move |auth, _| async move {
                let list = auth
                    .call(|c| {
                        let ids = ids.clone();
                        async move { c.presence(ids).await }
                    })
                    .await?;
                Ok(Some(NetEvent::Presence(list.users)))
            }),
            Command::Logout => {
                // What the cache holds is the user's: it goes with the session.
                self.cache_write(crate::cache::CacheWrite {
                    clear: true,
                    ..crate::cache::CacheWrite::default()
                });
                self.ws = None;
                if let Some(auth) = self.auth.take() {
                    auth.logout().await;
                }
                self.emit(NetEvent::LoggedOut);
                self.emit(NetEvent::NeedLogin {
                    server: self.server.clone(),
                    reason: None,
                });
            }
            Command::Social(command) => social::run(self, command),
            Command::Attachment(command) => attachments::run(self, command),
            Command::Notify { .. }
            | Command::Copy(_)
            | Command::OpenUrl(_)
            | Command::ExternalEditor(_)
            | Command::Redraw
            | Command::Quit => {}
        }
    }

    async fn login(&mut self, server: String, username: String, password: String) {
        let client = match Client::new(server.clone()) {
            Ok(c) => c,
            Err(e) => return self.emit(NetEvent::Notice(e.to_string())),
        };
        match client.login(&username, &password).await {
            Ok(resp) => {
                self.server = server;
                let auth = Auth::new(client, self.file.clone());
                auth.keep_login(&resp).await;
                self.logged_in(auth).await;
            }
            Err(e) => self.emit(login_failure(&e)),
        }
    }
}

async fn loaded(auth: &Auth, detail: ChatDetail) -> Result<Option<NetEvent>, ClientError> {
    let chat_id = detail.chat.id;
    let page = auth
        .call(|c| async move { c.messages(chat_id, PageAt::Latest, Some(PAGE)).await })
        .await?;
    Ok(Some(NetEvent::ChatLoaded {
        detail: Box::new(detail),
        page: Some(Box::new(page)),
        select: true,
    }))
}

/// The user with exactly this username.
pub async fn find_user(auth: &Auth, username: &str) -> Result<Option<User>, ClientError> {
    let username = username.trim_start_matches('@').to_lowercase();
    let page = auth
        .call(|c| {
            let q = username.clone();
            async move { c.search_users(&q, Some(50), None).await }
        })
        .await?;
    Ok(page.items.into_iter().find(|u| u.username == username))
}

fn login_failure(e: &ClientError) -> NetEvent {
    match e.body() {
        Some(body) => NetEvent::LoginFailed(body.clone()),
        None => NetEvent::LoginFailed(common::ErrorBody {
            code: common::ErrorCode::ServiceUnavailable,
            message: describe(e),
            details: Vec::new(),
            request_id: String::new(),
            timestamp: String::new(),
        }),
    }
}

/// A short sentence for the status line.
pub fn describe(e: &ClientError) -> String {
    match e {
        ClientError::Transport(t) if t.is_connect() => match t.url() {
            Some(url) => format!(
                "cannot reach the server at {}",
                url.origin().ascii_serialization()
            ),
            None => "cannot reach the server".to_owned(),
        },
        ClientError::Transport(t) if t.is_timeout() => {
            "the server did not answer in time".to_owned()
        }
        other => match other.body() {
            Some(body) if !body.details.is_empty() => {
                let details: Vec<String> = body
                    .details
                    .iter()
                    .map(|d| format!("{}: {}", d.field, d.message))
                    .collect();
                format!("{} ({})", body.message, details.join("; "))
            }
            Some(body) => body.message.clone(),
            None => other.to_string(),
        },
    }
}
