//! Accounts and sessions: password hashing, tokens, the input rules, and the service that
//! REST and the WebSocket call to register, log in, refresh and log out.

mod password;
mod rules;
mod service;
mod tokens;

pub use password::PasswordHasher;
pub use rules::{
    check_password, normalize_username, validate_display_name, validate_status_message,
};
pub use service::{AuthService, AuthUser, ClientInfo, Registration};
/// A random secret of 256 bits, URL-safe (mailed tokens use the refresh tokens' recipe).
pub use tokens::new_refresh_token as new_secret_token;
pub use tokens::{AccessClaims, TokenKeys, bearer_token, load_or_create_secret, secret_hash};
