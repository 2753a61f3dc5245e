//! The composer of one chat: a multi-line draft with a cursor, sent-message history, and the
//! message being replied to or edited. Each chat has its own, so switching never loses one.

use common::ids::MessageId;

/// What a send will do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// A new message.
    #[default]
    New,
    /// A reply to this message.
    Reply(MessageId),
    /// An edit of this (own) message.
    Edit(MessageId),
}

/// A draft being written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Composer {
    text: String,
    /// Byte offset of the cursor, always on a char boundary.
    cursor: usize,
    /// Reply, edit or new.
    pub mode: Mode,
    history: Vec<String>,
    /// Position while browsing history (`None`: the draft itself).
    history_at: Option<usize>,
    stashed: String,
}

impl Composer {
    /// The draft.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor's byte offset.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Showing a sent message from the history.
    pub fn is_browsing(&self) -> bool {
        self.history_at.is_some()
    }

    /// Nothing written.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Replaces the draft, cursor at the end.
    pub fn set_text(&mut self, text: &str) {
        text.clone_into(&mut self.text);
        self.cursor = self.text.len();
    }

    /// Types a character (or a pasted string) at the cursor.
    pub fn insert(&mut self, text: &str) {
        self.text.insert_str(self.cursor, text);
        self.cursor += text.len();
        self.history_at = None;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
            self.text.remove(self.cursor);
        }
    }

    /// Deletes the character under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.text.len() {
            self.text.remove(self.cursor);
        }
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn delete_word(&mut self) {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        let start = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// Moves the cursor one character left.
    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.cursor].chars().next_back() {
            self.cursor -= c.len_utf8();
        }
    }

    /// Moves the cursor one character right.
    pub fn right(&mut self) {
        if let Some(c) = self.text[self.cursor..].chars().next() {
            self.cursor += c.len_utf8();
        }
    }

    /// To the start of the line.
    pub fn home(&mut self) {
        self.cursor = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
    }

    /// To the end of the line.
    pub fn end(&mut self) {
        self.cursor += self.text[self.cursor..]
            .find('\n')
            .unwrap_or(self.text.len() - self.cursor);
    }

    /// Back to the start of the word before the cursor (Alt-B).
    pub fn word_left(&mut self) {
        let before = self.text[..self.cursor].trim_end();
        self.cursor = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    }

    /// Forward past the end of the word after the cursor (Alt-F).
    pub fn word_right(&mut self) {
        let after = &self.text[self.cursor..];
        let word = after.len() - after.trim_start().len();
        let end = after[word..]
            .find(char::is_whitespace)
            .map_or(after.len(), |i| word + i);
        self.cursor += end;
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U).
    pub fn kill_to_start(&mut self) {
        let start = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
        self.text.replace_range(start..self.cursor, "");
        self.cursor = start;
    }

    /// Deletes from the cursor to the end of the line (Ctrl-K).
    pub fn kill_to_end(&mut self) {
        let end = self.text[self.cursor..]
            .find('\n')
            .map_or(self.text.len(), |i| self.cursor + i);
        self.text.replace_range(self.cursor..end, "");
    }

    /// Up one line of a multi-line draft, keeping the column; false on the first line.
    pub fn line_up(&mut self) -> bool {
        let Some(line_start) = self.text[..self.cursor].rfind('\n') else {
            return false;
        };
        let column = self.text[line_start + 1..self.cursor].chars().count();
        let prev_start = self.text[..line_start].rfind('\n').map_or(0, |i| i + 1);
        self.cursor = column_in(&self.text, prev_start, line_start, column);
        true
    }

    /// Down one line of a multi-line draft, keeping the column; false on the last line.
    pub fn line_down(&mut self) -> bool {
        let Some(next) = self.text[self.cursor..].find('\n').map(|i| self.cursor + i) else {
            return false;
        };
        let line_start = self.text[..self.cursor].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..self.cursor].chars().count();
        let next_end = self.text[next + 1..]
            .find('\n')
            .map_or(self.text.len(), |i| next + 1 + i);
        self.cursor = column_in(&self.text, next + 1, next_end, column);
        true
    }

    /// Takes the draft for sending: remembers it in the history and clears.
    pub fn take(&mut self) -> (String, Mode) {
        let text = std::mem::take(&mut self.text);
        self.cursor = 0;
        self.history_at = None;
        if self.history.last() != Some(&text) {
            self.history.push(text.clone());
        }
        (text, std::mem::take(&mut self.mode))
    }

    /// Shows the previous sent message (the draft is kept aside).
    pub fn history_prev(&mut self) -> bool {
        let at = match self.history_at {
            None if self.history.is_empty() => return false,
            None => {
                self.stashed = self.text.clone();
                self.history.len() - 1
            }
            Some(0) => return false,
            Some(i) => i - 1,
        };
        self.history_at = Some(at);
        self.set_text(&self.history[at].clone());
        true
    }

    /// Shows the next sent message, and the kept draft after the last.
    pub fn history_next(&mut self) -> bool {
        let Some(at) = self.history_at else {
            return false;
        };
        if at + 1 < self.history.len() {
            self.history_at = Some(at + 1);
            self.set_text(&self.history[at + 1].clone());
        } else {
            self.history_at = None;
            let stashed = std::mem::take(&mut self.stashed);
            self.set_text(&stashed);
        }
        true
    }

    /// The word being typed before the cursor (for completion): its start and text.
    pub fn current_word(&self) -> (usize, &str) {
        let before = &self.text[..self.cursor];
        let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        (start, &before[start..])
    }

    /// Replaces the word being typed.
    pub fn replace_word(&mut self, start: usize, with: &str) {
        self.text.replace_range(start..self.cursor, with);
        self.cursor = start + with.len();
    }
}

/// The byte offset of `column` characters into `text[start..end]`, or `end`.
fn column_in(text: &str, start: usize, end: usize, column: usize) -> usize {
    text[start..end]
        .char_indices()
        .nth(column)
        .map_or(end, |(i, _)| start + i)
}

impl super::AppState {
    /// The composer keys go to: the open chat's, or the lobby's when no chat is open.
    pub fn composer(&self) -> &Composer {
        self.current().map_or(&self.lobby, |chat| &chat.composer)
    }

    /// [`Self::composer`], to change.
    pub fn composer_mut(&mut self) -> &mut Composer {
        let open = self
            .selected
            .and_then(|id| self.chats.iter().position(|c| c.id() == id));
        match open.and_then(|i| self.chats.get_mut(i)) {
            Some(chat) => &mut chat.composer,
            None => &mut self.lobby,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_moves_by_characters_not_bytes() {
        let mut c = Composer::default();
        c.insert("añ👍");
        c.left();
        c.backspace();
        assert_eq!(c.text(), "a👍");
        c.home();
        c.delete();
        assert_eq!(c.text(), "👍");
        c.end();
        c.insert("\nx y");
        c.delete_word();
        assert_eq!(c.text(), "👍\nx ");
    }

    #[test]
    fn readline_keys_move_and_cut_by_words_and_lines() {
        let mut c = Composer::default();
        c.insert("one twö three");
        c.word_left();
        assert_eq!(&c.text()[c.cursor()..], "three");
        c.word_left();
        c.word_left();
        assert_eq!(c.cursor(), 0);
        c.word_right();
        assert_eq!(&c.text()[c.cursor()..], " twö three");
        c.word_right();
        c.kill_to_end();
        assert_eq!(c.text(), "one twö");
        c.kill_to_start();
        assert_eq!(c.text(), "");
        c.insert("ab\nxyz\nq");
        assert!(c.line_up());
        assert_eq!(&c.text()[c.cursor()..], "yz\nq");
        assert!(c.line_up());
        assert_eq!(&c.text()[c.cursor()..], "b\nxyz\nq");
        assert!(!c.line_up());
        assert!(c.line_down());
        assert!(c.line_down());
        assert_eq!(&c.text()[c.cursor()..], "");
        assert!(!c.line_down());
    }

    #[test]
    fn history_browses_and_restores_the_draft() {
        let mut c = Composer::default();
        c.insert("one");
        c.take();
        c.insert("two");
        c.take();
        c.insert("draft");
        assert!(c.history_prev());
        assert_eq!(c.text(), "two");
        assert!(c.history_prev());
        assert_eq!(c.text(), "one");
        assert!(!c.history_prev());
        assert!(c.history_next());
        assert!(c.history_next());
        assert_eq!(c.text(), "draft");
        assert!(!c.history_next());
    }
}
