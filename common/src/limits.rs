//! Input limits shared by the server (which enforces them) and clients (which can check early).

/// Usernames: 3 to 32 characters of `[a-z0-9_.-]`, compared case-insensitively.
pub const USERNAME_MIN: usize = 3;
/// See [`USERNAME_MIN`].
pub const USERNAME_MAX: usize = 32;
/// Display names: 1 to 64 characters after trimming, no control characters.
pub const DISPLAY_NAME_MAX: usize = 64;
/// Status messages: up to 140 characters, no control characters.
pub const STATUS_MESSAGE_MAX: usize = 140;
/// Passwords are bounded so that hashing cost stays bounded.
pub const PASSWORD_MAX: usize = 1024;
/// The shortest password the server accepts when not configured otherwise.
pub const PASSWORD_MIN_DEFAULT: usize = 8;
/// Message content: up to 10,000 characters.
pub const MESSAGE_CONTENT_MAX: usize = 10_000;
/// The largest JSON request body the REST API accepts, in bytes.
pub const JSON_BODY_MAX_BYTES: usize = 64 * 1024;
/// The largest page of any list endpoint.
pub const PAGE_MAX: u32 = 100;
/// The default page size of list endpoints.
pub const PAGE_DEFAULT: u32 = 20;
/// Search queries are bounded in length.
pub const SEARCH_QUERY_MAX: usize = 256;
/// Group size, owner included.
pub const GROUP_MEMBERS_MAX: usize = 300;
