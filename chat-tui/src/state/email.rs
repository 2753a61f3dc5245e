//! `/email ADDRESS` (a form asks the password, shown as dots) and `/verify CODE`: the
//! account's email address and its verification.

use super::AppState;
use super::event::Command;
use super::overlay::{Form, FormKind, Overlay};
use super::social::SocialCommand;

/// A password on its way to the server: never printed by `Debug` (commands are logged).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<hidden>)")
    }
}

/// The label of the hidden field: the renderer draws its value as dots.
pub const PASSWORD_LABEL: &str = "Password (to confirm it is you)";

/// `/email ADDRESS` opens the password form; `/verify CODE` sends the code.
pub(super) fn slash(state: &mut AppState, name: &str, rest: &str, out: &mut Vec<Command>) -> bool {
    match name {
        "/email" if rest.is_empty() || rest.contains(char::is_whitespace) => {
            state.notice = Some("usage: /email name@example.org".into());
        }
        "/email" => {
            let mut form = Form::new(
                FormKind::Email,
                vec![
                    ("Email address", rest.to_owned()),
                    (PASSWORD_LABEL, String::new()),
                ],
            );
            form.focus = 1;
            state.overlay = Some(Overlay::Form(form));
        }
        "/verify" if rest.is_empty() => {
            state.notice = Some("usage: /verify CODE (from the verification mail)".into());
        }
        "/verify" => out.push(Command::Social(SocialCommand::VerifyEmail(rest.to_owned()))),
        _ => return false,
    }
    true
}

/// The email form submitted.
pub(super) fn submit(state: &mut AppState, form: &Form, out: &mut Vec<Command>) {
    let email = form.value(0).trim();
    let password = form.value(1);
    if email.is_empty() || password.is_empty() {
        state.notice = Some("an address and your password, please".into());
        return;
    }
    out.push(Command::Social(SocialCommand::SetEmail {
        email: email.to_owned(),
        password: Password(password.to_owned()),
    }));
}
