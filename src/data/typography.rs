//! The language's own typography, applied to resolved text: straight quotes
//! become the language's quotation marks (`[typography] quotes` in its strings), French gets its spaces before
//! `: ; ! ?` and inside « ». Figures (placeholder runs) are left alone.

use crate::data::markup::Run;
use crate::i18n::Locale;

/// Whether a character lets a following straight quote open a quotation.
fn opens_after(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(c) => c.is_whitespace() || "([{—–-/“‘«„‚\u{202F}".contains(c) || crate::data::markup::is_cjk(c),
    }
}

/// Applies the edition's typography to runs, in place.
pub fn apply(locale: &Locale, runs: &mut [Run]) {
    let [o1, c1, o2, c2] = &locale.quotes;
    let french = locale.base() == "fr";
    let mut prev: Option<char> = None;
    // Whether a double quotation (and a single one inside it) is open.
    let (mut open1, mut open2) = (false, false);
    let rules = &locale.strings.typography;
    let before_figure: Vec<bool> = (0..runs.len()).map(|i| runs.get(i + 1).is_some_and(|r| r.v)).collect();
    for (n, run) in runs.iter_mut().enumerate() {
        // A figure, and an address (a link's text may be words: it is set as any text).
        if run.v || run.u.as_ref().is_some_and(|u| *u == run.t || format!("https://{}", run.t) == *u) {
            prev = run.t.chars().last().or(prev);
            continue;
        }
        let chars: Vec<char> = run.t.chars().collect();
        let mut out = String::with_capacity(run.t.len() + 8);
        for (i, &c) in chars.iter().enumerate() {
            let next = chars.get(i + 1).copied();
            match c {
                '"' => {
                    // Opening where a quotation can start and none is open; else closing.
                    if opens_after(prev) && !open1 {
                        out.push_str(o1);
                        open1 = true;
                    } else {
                        out.push_str(c1);
                        open1 = false;
                    }
                }
                '\'' => {
                    let letter_before = prev.is_some_and(char::is_alphanumeric);
                    if !letter_before && opens_after(prev) && next.is_some_and(|n| !n.is_whitespace()) && !open2 {
                        out.push_str(o2);
                        open2 = true;
                    } else if letter_before && next.is_some_and(char::is_alphanumeric) || !open2 {
                        // An apostrophe (Yiwu's, '90s).
                        out.push('’');
                    } else {
                        out.push_str(c2);
                        open2 = false;
                    }
                }
                ':' | ';' | '!' | '?' if french => {
                    // French spacing (Imprimerie nationale): a no-break space before a
                    // colon, a narrow no-break space before ; ! ?, replacing a plain
                    // space; after a word, only when a space follows (not in URLs).
                    let space = if c == ':' { '\u{A0}' } else { '\u{202F}' };
                    if out.ends_with(' ') || out.ends_with('\u{A0}') || out.ends_with('\u{202F}') {
                        out.pop();
                        out.push(space);
                    } else if prev.is_some_and(|p| !p.is_whitespace() && !"!?:;\u{202F}\u{A0}".contains(p))
                        && (c != ':' || next.is_none_or(char::is_whitespace))
                    {
                        out.push(space);
                    }
                    out.push(c);
                }
                '«' if french && next == Some(' ') => out.push_str("«\u{202F}"),
                '»' if french && out.ends_with(' ') => {
                    out.pop();
                    out.push_str("\u{202F}»");
                }
                ' ' if french && prev == Some('«') => {}
                // A spaced dash never starts a line.
                '—' | '–' if rules.dash_glue && out.ends_with(' ') && next == Some(' ') => {
                    out.pop();
                    out.push('\u{A0}');
                    out.push(c);
                }
                _ => out.push(c),
            }
            prev = Some(c);
        }
        // A one-letter proclitic written on to the figure after it (و{…})
        // stays on the figure's line: a word joiner between them.
        if before_figure[n] && proclitic_at_end(&out, &rules.proclitics) {
            out.push('\u{2060}');
        }
        run.t = out;
    }
}

/// Whether `text` ends with one of `proclitics` standing as a word of its own.
fn proclitic_at_end(text: &str, proclitics: &[String]) -> bool {
    proclitics.iter().any(|p| {
        text.strip_suffix(p.as_str())
            .is_some_and(|before| before.chars().next_back().is_none_or(|c| c.is_whitespace() || "(«\"“".contains(c)))
    })
}

/// Applies the edition's typography to a plain string.
pub fn apply_str(locale: &Locale, s: &str) -> String {
    let mut runs = [Run::text(s)];
    apply(locale, &mut runs);
    let [run] = runs;
    run.t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply_str(lang: &str, s: &str) -> String {
        super::apply_str(&Locale::builtin(lang), s)
    }

    fn apply(lang: &str, runs: &mut [Run]) {
        super::apply(&Locale::builtin(lang), runs);
    }

    fn run(t: &str) -> Run {
        Run::text(t)
    }

    #[test]
    fn english_quotes_and_apostrophes() {
        assert_eq!(
            apply_str("en", r#"the "Melting Pot", Yiwu's 'market' ("two-wheel")"#),
            "the “Melting Pot”, Yiwu’s ‘market’ (“two-wheel”)"
        );
        assert_eq!(apply_str("en", "\"Trading Sugar for Feather\"."), "“Trading Sugar for Feather”.");
    }

    #[test]
    fn quotes_across_runs_and_around_figures() {
        // "*Yiwu Initiative*" is three runs; the quote after the italic run closes.
        let mut rs = [run("the \""), Run { i: true, ..run("Yiwu Initiative") }, run("\" of 2019")];
        apply("en", &mut rs);
        assert_eq!(rs.iter().map(|r| r.t.as_str()).collect::<String>(), "the “Yiwu Initiative” of 2019");
        let mut rs = [run("rate of "), Run { v: true, ..run("4\"") }, run(" \"x\"")];
        apply("en", &mut rs);
        assert_eq!(rs[1].t, "4\"", "figures are untouched");
        assert_eq!(rs[2].t, " “x”");
    }

    #[test]
    fn french_spaces_and_guillemets() {
        assert_eq!(
            apply_str("fr", r#"Source : le "Melting Pot"; voir http://x.org ! Figure 1: oui?"#),
            "Source\u{A0}: le «\u{202F}Melting Pot\u{202F}»\u{202F}; voir http://x.org\u{202F}! Figure 1\u{A0}: oui\u{202F}?"
        );
        assert_eq!(apply_str("fr", "« oui »"), "«\u{202F}oui\u{202F}»");
    }

    #[test]
    fn russian_dashes_and_arabic_proclitics_keep_their_line() {
        assert_eq!(apply_str("ru", "экспресс «Иу — Синьцзян — Европа»"), "экспресс «Иу\u{A0}— Синьцзян\u{A0}— Европа»");
        assert_eq!(apply_str("en", "a — b"), "a — b", "only where the language asks");
        let figure =
            |t: &str| Run { t: t.into(), b: false, i: false, v: true, f: false, m: None, s: None, l: None, u: None };
        let mut runs = [run("بلغ الناتج المحلي و"), figure("87.088"), run(" مليار")];
        apply("ar", &mut runs);
        assert_eq!(runs[0].t, "بلغ الناتج المحلي و\u{2060}");
        // Only a one-letter word, only before a figure.
        let mut runs = [run("ومن"), figure("3")];
        apply("ar", &mut runs);
        assert_eq!(runs[0].t, "ومن");
    }

    #[test]
    fn other_languages() {
        assert_eq!(apply_str("es", r#"el "mercado""#), "el “mercado”");
        assert_eq!(apply_str("ru", r#"город "Иу""#), "город «Иу»");
        assert_eq!(apply_str("ar", r#"مدينة "ييوو""#), "مدينة «ييوو»");
        assert_eq!(apply_str("zh", r#"打造"世界小商品之都""#), "打造“世界小商品之都”");
    }

    #[test]
    fn a_language_without_built_in_strings_quotes_as_its_strings_file_says() {
        let mut strings = Locale::builtin("en").strings;
        strings.typography.quotes = Some(["„", "“", "‚", "‘"].map(String::from));
        let de = Locale::new("de", strings, Default::default());
        assert_eq!(super::apply_str(&de, r#"der "Markt""#), "der „Markt“");
        let mut strings = Locale::builtin("en").strings;
        strings.typography.quotes = None;
        let unset = Locale::new("de", strings, Default::default());
        assert_eq!(super::apply_str(&unset, r#"der "Markt""#), "der “Markt”", "English quotes by default");
    }
}
