//! Text shaping: widths, mentions, formatting ranges from any client, wrapping.

use super::*;

#[test]
fn emoji_sequences_and_wide_characters_are_measured_as_drawn() {
    assert_eq!(width("abc"), 3);
    assert_eq!(width("世界"), 4);
    assert_eq!(width("👍🏽"), 2);
    assert_eq!(width("👨‍👩‍👧"), 2);
    assert_eq!(width("❤️"), 2);
    assert_eq!(truncate("世界世界", 5), "世界…");
}

#[test]
fn own_mentions_are_marked_whole_and_in_any_case() {
    let mark = Style::default().add_modifier(Modifier::REVERSED);
    let bold = [Range::new(19, 23, FormatStyle::Bold)];
    let runs = mark_mentions(
        formatted("hi @Ada and @adam, @ada!", &bold, Style::default()),
        "ada",
        mark,
    );
    let marked: Vec<(&str, bool)> = runs
        .iter()
        .filter(|(_, s)| s.add_modifier.contains(Modifier::REVERSED))
        .map(|(t, s)| (t.as_str(), s.add_modifier.contains(Modifier::BOLD)))
        .collect();
    assert_eq!(marked, vec![("@Ada", false), ("@ada", true)]);
    let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(text, "hi @Ada and @adam, @ada!");
}

#[test]
fn wrapping_never_exceeds_the_width() {
    let runs = formatted(
        "hello bold wörld 世界世界世界 👨‍👩‍👧👨‍👩‍👧 🇩🇪👍🏽 averyveryverylongwordthatmustbreak",
        &[Range::new(6, 10, FormatStyle::Bold)],
        Style::default(),
    );
    for w in [5usize, 8, 13, 20] {
        for line in wrap(&runs, w, &Span::raw("  ")) {
            assert!(line.width() <= w.max(3), "{w}: {line:?}");
        }
    }
}

#[test]
fn a_style_changing_inside_a_word_never_breaks_the_line_there() {
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let runs = [
        ("xx y".to_owned(), Style::default()),
        ("y".to_owned(), bold),
    ];
    let lines: Vec<String> = wrap(&runs, 4, &Span::raw(""))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(lines, ["xx ", "yy"]);
}

fn styles(runs: &[(String, Style)]) -> Vec<(&str, Modifier)> {
    runs.iter()
        .map(|(t, s)| (t.as_str(), s.add_modifier))
        .collect()
}

#[test]
fn ranges_are_drawn_and_markers_in_the_text_are_text() {
    let ranges = [
        Range::new(0, 4, FormatStyle::Bold),
        Range::new(2, 6, FormatStyle::Italic),
        Range::new(8, 12, FormatStyle::Code),
        Range::new(13, 17, FormatStyle::Strike),
    ];
    let runs = formatted(
        "bold it code gone *x* https://x.y/z",
        &ranges,
        Style::default(),
    );
    assert_eq!(
        styles(&runs),
        [
            ("bo", Modifier::BOLD),
            ("ld", Modifier::BOLD | Modifier::ITALIC),
            (" i", Modifier::ITALIC),
            ("t ", Modifier::empty()),
            ("code", Modifier::REVERSED),
            (" ", Modifier::empty()),
            ("gone", Modifier::CROSSED_OUT),
            (" *x* ", Modifier::empty()),
            ("https://x.y/z", Modifier::UNDERLINED),
        ]
    );
}

#[test]
fn hostile_ranges_never_panic_and_never_lose_text() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(13);
    let texts = [
        "日本語 👨‍👩‍👧 é 🇩🇪 👍🏽 ❤️ plain",
        "\u{1b}[31mred\u{1b}[0m \u{202e}txt\nline two",
        "",
        "a",
    ];
    let styles = [
        FormatStyle::Bold,
        FormatStyle::Italic,
        FormatStyle::Code,
        FormatStyle::Strike,
        FormatStyle::Link,
    ];
    for round in 0..2000 {
        let text = texts[round % texts.len()];
        let n = text.chars().count();
        let ranges: Vec<Range> = (0..rng.random_range(0..300))
            .map(|_| {
                let a = rng.random_range(0..n + 5);
                let b = if rng.random_bool(0.1) {
                    usize::MAX
                } else {
                    rng.random_range(0..n + 5)
                };
                Range::new(a, b, styles[rng.random_range(0..styles.len())])
            })
            .collect();
        let runs = formatted(text, &ranges, Style::default());
        let drawn: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        let plain: String = formatted(text, &[], Style::default())
            .iter()
            .map(|(t, _)| t.as_str())
            .collect();
        // An escape sequence cut by a range loses only its pieces, never leaks.
        if !text.contains('\u{1b}') {
            assert_eq!(drawn, plain, "{text:?} {ranges:?}");
        }
        assert!(!drawn.chars().any(|c| c.is_control() && c != '\n'));
        for line in wrap(&runs, 7, &Span::raw(" ")) {
            assert!(line.width() <= 7);
        }
    }
}
