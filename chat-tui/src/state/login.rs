//! The first-run form: server, then log in or register, with the server's field errors
//! shown next to their fields. On a server that requires a verified email address
//! (`auth.require_verified_email`), a login refused with `EMAIL_NOT_VERIFIED` (also the one
//! right after registering) turns the form into a code field: the mailed code verifies the
//! address and logs in, Ctrl-E has a new code mailed.

use common::{ErrorBody, ErrorCode};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::email::Password;
use super::event::Command;

/// A field of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Base URL.
    Server,
    /// Username.
    Username,
    /// Password.
    Password,
    /// Password again (register).
    Confirm,
    /// Display name (register).
    DisplayName,
    /// Email address (register; optional unless the server requires one).
    Email,
    /// The code of the verification mail (while verifying).
    Code,
}

impl Field {
    /// The label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Server => "Server",
            Self::Username => "Username",
            Self::Password => "Password",
            Self::Confirm => "Confirm password",
            Self::DisplayName => "Display name",
            Self::Email => "Email (optional unless the server requires it)",
            Self::Code => "Code from the verification mail",
        }
    }

    /// The field's name in the server's error details.
    fn wire(self) -> &'static str {
        match self {
            Self::Server => "server",
            Self::Username => "username",
            Self::Password => "password",
            Self::Confirm => "passwordConfirm",
            Self::DisplayName => "displayName",
            Self::Email => "email",
            Self::Code => "token",
        }
    }
}

/// The form.
#[derive(Clone, Debug, Default)]
pub struct LoginForm {
    /// Register instead of logging in.
    pub register: bool,
    /// Base URL.
    pub server: String,
    /// Username.
    pub username: String,
    /// Password (never drawn).
    pub password: String,
    /// Confirmation.
    pub confirm: String,
    /// Display name.
    pub display_name: String,
    /// Email address (register).
    pub email: String,
    /// The verification code (while verifying).
    pub code: String,
    /// The server refused the login until the address is verified: only the code is asked.
    pub verifying: bool,
    /// What to do next, for a person (not an error).
    pub info: Option<String>,
    /// Focused field index into [`LoginForm::fields`].
    pub focus: usize,
    /// Errors by field, from the server.
    pub field_errors: Vec<(Field, String)>,
    /// An error not tied to a field.
    pub error: Option<String>,
    /// Waiting for the server.
    pub busy: bool,
}

impl LoginForm {
    /// The fields shown, in order.
    pub fn fields(&self) -> &'static [Field] {
        if self.verifying {
            &[Field::Code]
        } else if self.register {
            &[
                Field::Server,
                Field::Username,
                Field::Password,
                Field::Confirm,
                Field::DisplayName,
                Field::Email,
            ]
        } else {
            &[Field::Server, Field::Username, Field::Password]
        }
    }

    /// The value of a field.
    pub fn value(&self, field: Field) -> &str {
        match field {
            Field::Server => &self.server,
            Field::Username => &self.username,
            Field::Password => &self.password,
            Field::Confirm => &self.confirm,
            Field::DisplayName => &self.display_name,
            Field::Email => &self.email,
            Field::Code => &self.code,
        }
    }

    fn value_mut(&mut self, field: Field) -> &mut String {
        match field {
            Field::Server => &mut self.server,
            Field::Username => &mut self.username,
            Field::Password => &mut self.password,
            Field::Confirm => &mut self.confirm,
            Field::DisplayName => &mut self.display_name,
            Field::Email => &mut self.email,
            Field::Code => &mut self.code,
        }
    }

    /// The focused field.
    pub fn focused(&self) -> Field {
        let fields = self.fields();
        fields[self.focus.min(fields.len() - 1)]
    }

    /// The server's error for a field.
    pub fn error_of(&self, field: Field) -> Option<&str> {
        self.field_errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Shows a refusal: field errors next to fields, the rest below the form.
    pub fn failed(&mut self, body: &ErrorBody) {
        self.busy = false;
        self.field_errors.clear();
        if body.code == ErrorCode::EmailNotVerified {
            self.ask_for_code();
            return;
        }
        for detail in &body.details {
            if let Some(field) = self.fields().iter().find(|f| f.wire() == detail.field) {
                self.field_errors.push((*field, detail.message.clone()));
            }
        }
        self.error = Some(body.message.clone());
    }

    /// The login waits for the address to be verified: ask for the mailed code.
    fn ask_for_code(&mut self) {
        let mail = match self.email.trim() {
            "" => "your email address".to_owned(),
            email => email.to_owned(),
        };
        self.info = Some(if self.register {
            format!(
                "Account created. Check your mail: a code was sent to {mail}. \
                 Enter it below to verify the address and log in."
            )
        } else {
            "This server needs your email address verified before you log in. \
             Enter the code from the verification mail below."
                .to_owned()
        });
        // The account exists now: what follows is a login.
        self.register = false;
        self.verifying = true;
        self.code.clear();
        self.focus = 0;
        self.error = None;
    }

    /// A new code (or a shown message) from the server while verifying.
    pub fn informed(&mut self, message: String) {
        self.busy = false;
        self.error = None;
        self.field_errors.clear();
        self.info = Some(message);
    }

    /// A key on the login screen; a submit returns the command.
    pub fn key(&mut self, key: &KeyEvent) -> Option<Command> {
        if self.verifying {
            return self.verify_key(key);
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('r') if ctrl => {
                self.register = !self.register;
                self.focus = self.focus.min(self.fields().len() - 1);
                self.field_errors.clear();
                self.error = None;
            }
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % self.fields().len(),
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields().len() - 1) % self.fields().len();
            }
            KeyCode::Enter if self.focus + 1 < self.fields().len() => self.focus += 1,
            KeyCode::Enter => return self.submit(),
            KeyCode::Backspace => {
                let field = self.focused();
                self.value_mut(field).pop();
            }
            KeyCode::Char(c) if !ctrl => {
                let field = self.focused();
                self.value_mut(field).push(c);
            }
            _ => {}
        }
        None
    }

    /// A key while the code is asked: Enter verifies and logs in, Ctrl-E mails a new code,
    /// Esc goes back to the login form.
    fn verify_key(&mut self, key: &KeyEvent) -> Option<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('e') if ctrl && !self.busy => {
                self.busy = true;
                self.error = None;
                return Some(Command::ResendVerification {
                    server: self.server.trim().to_owned(),
                    login: self.username.trim().to_owned(),
                });
            }
            KeyCode::Esc => {
                self.verifying = false;
                self.info = None;
                self.error = None;
                self.field_errors.clear();
                self.focus = 0;
            }
            KeyCode::Enter if !self.busy => {
                let code = self.code.trim().to_owned();
                if code.is_empty() {
                    self.error =
                        Some("enter the code from the mail (Ctrl-E mails a new one)".into());
                    return None;
                }
                self.busy = true;
                self.error = None;
                self.field_errors.clear();
                return Some(Command::VerifyAndLogin {
                    server: self.server.trim().to_owned(),
                    username: self.username.trim().to_owned(),
                    password: Password(self.password.clone()),
                    code,
                });
            }
            KeyCode::Backspace => {
                self.code.pop();
            }
            KeyCode::Char(c) if !ctrl => self.code.push(c),
            _ => {}
        }
        None
    }

    /// Pasted text goes into the focused field (one line).
    pub fn paste(&mut self, text: &str) {
        let field = self.focused();
        self.value_mut(field)
            .extend(text.chars().filter(|c| !c.is_control()));
    }

    fn submit(&mut self) -> Option<Command> {
        if self.busy {
            return None;
        }
        if self.server.trim().is_empty() || self.username.trim().is_empty() {
            self.error = Some("server and username are required".into());
            return None;
        }
        self.busy = true;
        self.error = None;
        self.field_errors.clear();
        let server = self.server.trim().to_owned();
        let username = self.username.trim().to_owned();
        Some(if self.register {
            Command::Register {
                server,
                username,
                password: self.password.clone(),
                password_confirm: self.confirm.clone(),
                display_name: Some(self.display_name.trim().to_owned()).filter(|d| !d.is_empty()),
                email: Some(self.email.trim().to_owned()).filter(|e| !e.is_empty()),
            }
        } else {
            Command::Login {
                server,
                username,
                password: self.password.clone(),
            }
        })
    }
}
