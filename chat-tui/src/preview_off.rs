//! Image previews when chat-tui is built without its `graphics` feature: the terminal is
//! never asked, no preview is ever made, and attachments stay lines of text. The types
//! have no values, so the code that would draw a preview compiles and cannot run.

use ratatui::layout::Size;
use ratatui::widgets::Clear;

use crate::state::attachments::PreviewMode;

/// How the terminal draws images; never made without `graphics`.
#[derive(Clone, Debug)]
pub enum Picker {}

/// An encoded preview; never made without `graphics`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreviewImage {}

impl PreviewImage {
    /// Its size in cells.
    pub fn size(&self) -> Size {
        match *self {}
    }

    /// The widget that draws it.
    pub fn widget(&self) -> Clear {
        match *self {}
    }
}

/// No graphics: no previews, whatever the mode.
pub fn query(_: PreviewMode) -> Option<Picker> {
    None
}

/// Unreachable: there is no [`Picker`] to pass.
pub fn decode(picker: &Picker, _: &[u8]) -> Option<PreviewImage> {
    match *picker {}
}
