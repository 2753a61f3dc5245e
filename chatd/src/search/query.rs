//! The query syntax users know from web search, parsed in Rust into a `tsquery` whose
//! lexemes are all quoted: nothing a user types reaches PostgreSQL's query parser as syntax.
//!
//! `deploy failed` both words; `"deploy failed"` the phrase; `-staging` not this word;
//! `-"dry run"` not this phrase; `deploy OR release` either; `depl*` a word prefix.
//! Every word goes through the same tokenizer as the messages (see [`super::tokens`]).

use super::tokens::{Token, quote, tokens};

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedQuery {
    /// The `tsquery` text, every lexeme quoted.
    pub tsquery: String,
    /// What to highlight: normalized lexemes and whether each is a prefix.
    pub highlight: Vec<(String, bool)>,
}

/// Why a query cannot be run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing searchable.
    #[error("the query has no words to search for")]
    Empty,
    /// Only exclusions.
    #[error("the query needs at least one word that is not excluded")]
    OnlyExclusions,
}

/// One item of the query as written: a word or a quoted phrase, maybe excluded.
#[derive(Debug)]
struct Item {
    text: String,
    excluded: bool,
    or_before: bool,
    phrase: bool,
}

fn split_items(q: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut chars = q.chars().peekable();
    let mut or_pending = false;
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let excluded = first == '-';
        if excluded {
            chars.next();
        }
        let phrase = chars.peek() == Some(&'"');
        let mut text = String::new();
        if phrase {
            chars.next();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                text.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                text.push(c);
                chars.next();
            }
        }
        if !phrase && !excluded && text == "OR" {
            or_pending = !items.is_empty();
            continue;
        }
        items.push(Item {
            text,
            excluded,
            or_before: or_pending,
            phrase,
        });
        or_pending = false;
    }
    items
}

/// The `tsquery` of one item: a lexeme, a prefix, or a phrase of lexemes.
fn item_query(item: &Item, highlight: &mut Vec<(String, bool)>) -> Option<String> {
    let prefix = !item.phrase && item.text.ends_with('*');
    let mut toks: Vec<Token> = tokens(&item.text);
    // A dense run's trailing lone character is only for single-character searches.
    let runs_with_bigrams: Vec<bool> = (0..toks.len())
        .map(|i| toks[i].dense && i > 0 && toks[i - 1].dense && toks[i - 1].end == toks[i].end)
        .collect();
    let mut i = 0;
    toks.retain(|_| {
        let keep = !runs_with_bigrams[i];
        i += 1;
        keep
    });
    if toks.is_empty() {
        return None;
    }
    let last = toks.len() - 1;
    let parts: Vec<String> = toks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            // A single character of a dense script is the start of bigrams.
            let is_prefix = (prefix && i == last) || (t.dense && t.text.chars().count() == 1);
            if !item.excluded {
                highlight.push((t.text.clone(), is_prefix));
            }
            if is_prefix {
                format!("{}:*", quote(&t.text))
            } else {
                quote(&t.text)
            }
        })
        .collect();
    Some(if parts.len() == 1 {
        parts.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", parts.join(" <-> "))
    })
}

/// Parses `q`.
pub fn parse(q: &str) -> Result<ParsedQuery, QueryError> {
    let mut highlight = Vec::new();
    // Groups of alternatives, all of which must hold.
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut excluded: Vec<String> = Vec::new();
    for item in split_items(q) {
        let Some(query) = item_query(&item, &mut highlight) else {
            continue;
        };
        if item.excluded {
            excluded.push(format!("!{query}"));
        } else if item.or_before
            && let Some(group) = groups.last_mut()
        {
            group.push(query);
        } else {
            groups.push(vec![query]);
        }
    }
    if groups.is_empty() {
        return Err(if excluded.is_empty() {
            QueryError::Empty
        } else {
            QueryError::OnlyExclusions
        });
    }
    let mut parts: Vec<String> = groups
        .into_iter()
        .map(|g| {
            if g.len() == 1 {
                g.into_iter().next().unwrap_or_default()
            } else {
                format!("({})", g.join(" | "))
            }
        })
        .collect();
    parts.extend(excluded);
    Ok(ParsedQuery {
        tsquery: parts.join(" & "),
        highlight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tsq(q: &str) -> String {
        parse(q).unwrap().tsquery
    }

    #[test]
    fn words_phrases_exclusions_alternatives_and_prefixes() {
        assert_eq!(tsq("Deploy failed"), "'deploy' & 'failed'");
        assert_eq!(
            tsq("\"deploy failed\" -staging"),
            "('deploy' <-> 'failed') & !'staging'"
        );
        assert_eq!(tsq("deploy OR release"), "('deploy' | 'release')");
        assert_eq!(tsq("depl*"), "'depl':*");
        assert_eq!(tsq("-\"dry run\" x"), "'x' & !('dry' <-> 'run')");
    }

    #[test]
    fn nothing_a_user_types_is_syntax() {
        assert_eq!(tsq("a'b & !c | d:*"), "'a''b' & 'c' & 'd':*");
        assert_eq!(tsq("(x) <-> y\\"), "'x' & 'y'");
    }

    #[test]
    fn dense_scripts_become_bigram_phrases_and_prefixes() {
        assert_eq!(
            tsq("東京タワー"),
            "('東京' <-> '京タ' <-> 'タワ' <-> 'ワー')"
        );
        assert_eq!(tsq("北京"), "'北京'");
        assert_eq!(tsq("猫"), "'猫':*");
    }

    #[test]
    fn empty_and_only_negative_queries_are_refused() {
        assert_eq!(parse("  "), Err(QueryError::Empty));
        assert_eq!(parse("!!! ---"), Err(QueryError::Empty));
        assert_eq!(parse("-spam"), Err(QueryError::OnlyExclusions));
    }
}
