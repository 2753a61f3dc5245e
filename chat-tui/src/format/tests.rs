//! The composer's formatting syntax: what a user expects from `**bold**` and friends, and
//! that an edit shows a message's ranges as the markers that make them again.

use super::*;

fn styled(input: &str) -> (String, Vec<(String, Style)>) {
    let parsed = parse(input);
    let chars: Vec<char> = parsed.content.chars().collect();
    let ranges = parsed
        .ranges
        .iter()
        .map(|r| (chars[r.start..r.end].iter().collect(), r.style))
        .collect();
    (parsed.content, ranges)
}

/// Input, content, and the styled stretches of the content.
type Case = (&'static str, &'static str, Vec<(String, Style)>);

fn s(text: &str, style: Style) -> (String, Style) {
    (text.to_owned(), style)
}

#[test]
fn markers_become_ranges_and_leave_the_text() {
    use Style::{Bold, Code, Italic, Strike};
    let cases: Vec<Case> = vec![
        ("**bold** text", "bold text", vec![s("bold", Bold)]),
        (
            "an *italic* word",
            "an italic word",
            vec![s("italic", Italic)],
        ),
        (
            "an _italic_ word",
            "an italic word",
            vec![s("italic", Italic)],
        ),
        (
            "run `ls -la` now",
            "run ls -la now",
            vec![s("ls -la", Code)],
        ),
        ("~~gone~~ here", "gone here", vec![s("gone", Strike)]),
        (
            "***both***",
            "both",
            vec![s("both", Italic), s("both", Bold)],
        ),
        (
            "**bold _and italic_**!",
            "bold and italic!",
            vec![s("bold and italic", Bold), s("and italic", Italic)],
        ),
        (
            "(*x*), [**y**]",
            "(x), [y]",
            vec![s("x", Italic), s("y", Bold)],
        ),
        ("*👍*", "👍", vec![s("👍", Italic)]),
        ("ünï *cödé* ✓", "ünï cödé ✓", vec![s("cödé", Italic)]),
    ];
    for (input, content, ranges) in cases {
        let (got, mut got_ranges) = styled(input);
        got_ranges.sort_by_key(|(_, st)| *st);
        let mut ranges = ranges;
        ranges.sort_by_key(|(_, st)| *st);
        assert_eq!(got, content, "{input}");
        assert_eq!(got_ranges, ranges, "{input}");
    }
}

#[test]
fn markers_inside_words_unmatched_or_escaped_stay_literal() {
    for input in [
        "2*3*4",
        "snake_case_names",
        "a_b and c_d",
        "x**2**y",
        "a * b * c",
        "** not bold **",
        "_ not italic _",
        "just *one",
        "~single~ tilde",
        "`unclosed code",
        "",
        "****",
    ] {
        assert_eq!(styled(input), (input.to_owned(), vec![]), "{input}");
    }
    assert_eq!(
        styled(r"\*not italic\*"),
        ("*not italic*".to_owned(), vec![])
    );
    assert_eq!(
        styled(r"a \_b\_ \\ \` \~~x\~~"),
        ("a _b_ \\ ` ~~x~~".to_owned(), vec![])
    );
    // A backslash before anything else is just a backslash.
    assert_eq!(styled(r"C:\dir\n"), (r"C:\dir\n".to_owned(), vec![]));
}

#[test]
fn code_takes_no_inner_formatting() {
    assert_eq!(
        styled("`**not bold** _x_` and **bold**"),
        (
            "**not bold** _x_ and bold".to_owned(),
            vec![s("**not bold** _x_", Style::Code), s("bold", Style::Bold)]
        )
    );
    assert_eq!(
        styled("``a ` b`` and ` `` `"),
        (
            "a ` b and ``".to_owned(),
            vec![s("a ` b", Style::Code), s("``", Style::Code)]
        )
    );
    assert_eq!(
        styled("*a `*` b*"),
        (
            "a * b".to_owned(),
            vec![s("a * b", Style::Italic), s("*", Style::Code)]
        )
    );
}

#[test]
fn fenced_blocks_are_code_with_their_language() {
    let parsed = parse("look:\n```rust\nfn main() {\n    *x* = 1;\n}\n```\ndone **now**");
    assert_eq!(
        parsed.content,
        "look:\nfn main() {\n    *x* = 1;\n}\ndone now"
    );
    let code = &parsed.ranges[0];
    assert_eq!((code.start, code.end, code.style), (6, 32, Style::Code));
    assert_eq!(code.lang.as_deref(), Some("rust"));
    assert_eq!(parsed.ranges[1], Range::new(38, 41, Style::Bold));
    // An unclosed fence is text; inline triple backticks are a code span.
    assert_eq!(styled("```\nopen"), ("```\nopen".to_owned(), vec![]));
    assert_eq!(
        styled("say ```hi``` there"),
        ("say hi there".to_owned(), vec![s("hi", Style::Code)])
    );
}

#[test]
fn ranges_count_characters_not_bytes() {
    let parsed = parse("日本 **語** 👨‍👩‍👧 *é*");
    assert_eq!(parsed.content, "日本 語 👨‍👩‍👧 é");
    assert_eq!(
        parsed.ranges,
        vec![
            Range::new(3, 4, Style::Bold),
            Range::new(11, 12, Style::Italic)
        ]
    );
}

#[test]
fn sending_checks_the_server_limits() {
    let (content, metadata) = for_send("**a** b", None);
    assert_eq!(content, "a b");
    assert_eq!(
        metadata,
        Some(serde_json::json!({"formatting": [{"start": 0, "end": 1, "style": "bold"}]}))
    );
    assert_eq!(for_send("plain", None), ("plain".to_owned(), None));
    // More ranges than the server takes: sent as typed.
    let many = "*a* ".repeat(MAX_RANGES + 1);
    assert_eq!(for_send(&many, None), (many.clone(), None));
    // Nothing but whitespace once the markers are gone: as typed.
    assert_eq!(for_send("` `", None), ("` `".to_owned(), None));
    // An edit keeps the client's other keys and clears formatting that is gone.
    let base = serde_json::json!({"x": 1, "formatting": [{"start": 0, "end": 1, "style": "bold"}]});
    assert_eq!(
        for_send("plain", Some(&base)),
        ("plain".to_owned(), Some(serde_json::json!({"x": 1})))
    );
}

#[test]
fn edits_round_trip_through_the_markers() {
    for input in [
        "**bold** and *italic* and `code` and ~~strike~~",
        "***both*** at once",
        "**bold _nested_ here**",
        "2*3*4 and snake_case and \\*escaped\\*",
        "look:\n```rust\nfn main() {}\n```\nafter",
        "``a ` b`` in code",
        "` `` `",
        "multi\nline *italic*\n\n**bold**",
        "日本 **語** 👨‍👩‍👧 *é*",
        "back\\slash and \\`tick",
    ] {
        let parsed = parse(input);
        let text = unparse(&parsed.content, &parsed.ranges);
        let again = parse(&text);
        assert_eq!(again.content, parsed.content, "{input} -> {text}");
        let (mut a, mut b) = (again.ranges, parsed.ranges);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{input} -> {text}");
    }
    // The plain words of a message show without needless escapes.
    assert_eq!(unparse("snake_case 2*3", &[]), "snake_case 2*3");
    assert_eq!(
        unparse("bold word", &[Range::new(0, 4, Style::Bold)]),
        "**bold** word"
    );
}

#[test]
fn ranges_from_other_clients_that_markers_cannot_say_are_left_out() {
    let content = "one two three link";
    let ranges = vec![
        Range::new(0, 7, Style::Italic),  // "one two": kept
        Range::new(4, 13, Style::Strike), // crosses the italic
        Range::new(9, 11, Style::Bold),   // inside a word
        Range::new(14, 18, Style::Link),  // no syntax for links
        Range::new(5, 50, Style::Bold),   // past the end
    ];
    let text = unparse(content, &ranges);
    assert_eq!(text, "*one two* three link");
    let parsed = parse(&text);
    assert_eq!(parsed.content, content);
    assert_eq!(parsed.ranges, vec![Range::new(0, 7, Style::Italic)]);
    // Trailing spaces inside a range are trimmed so the marker can close.
    assert_eq!(
        unparse("bold rest", &[Range::new(0, 5, Style::Bold)]),
        "**bold** rest"
    );
}

#[test]
fn metadata_from_other_clients_is_read_leniently() {
    let m = serde_json::json!({"formatting": [
        {"start": 0, "end": 2, "style": "bold"},
        {"start": "x", "end": 2, "style": "bold"},
        {"start": 1, "end": 3, "style": "blink"},
        {"start": 4, "end": 9, "style": "link", "url": "https://e.x"},
        {"start": 0, "end": 4, "style": "code", "lang": "sh"},
    ]});
    let ranges = from_metadata(&m);
    assert_eq!(ranges.len(), 3);
    assert_eq!(ranges[1].style, Style::Link);
    assert_eq!(ranges[2].lang.as_deref(), Some("sh"));
    assert!(from_metadata(&serde_json::json!({"formatting": 3})).is_empty());
    assert!(from_metadata(&serde_json::json!(null)).is_empty());
}
