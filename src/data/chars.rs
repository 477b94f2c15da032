//! Characters no page can show: control characters (NUL, BEL, …) and
//! characters that no font in `fonts/` has (emoji, most often). typst would
//! fail on them late, without saying where they are; here each is an error at
//! its file, line and column.

use std::collections::HashMap;
use std::path::Path;

use super::load::Loaded;
use super::model::{Block, TextFile};
use crate::diag::{Diag, Sources};
use toml::Spanned;

/// At most this many problems are reported per file (the rest are counted).
const MAX_PER_FILE: usize = 20;

/// Checks every data and text file read, with `covers` telling whether the
/// fonts have a character.
pub fn check(loaded: &Loaded, sources: &Sources, covers: &dyn Fn(char) -> bool, diags: &mut Vec<Diag>) {
    let mut verdicts = Verdicts::default();
    let mut bad = |c: char| verdicts.bad(c, covers);
    let mut files: Vec<&Path> = loaded.data.iter().map(|(p, _)| p.as_path()).collect();
    files.extend(loaded.csv.iter().map(|(p, _)| p.as_path()));
    for t in loaded.texts.values() {
        files.extend(t.meta.iter().map(|(p, _)| p.as_path()));
        files.extend(t.chapters.values().map(|(p, _)| p.as_path()));
    }
    for path in files {
        let Some(text) = sources.get(path) else { continue };
        let csv = path.extension().is_some_and(|e| e == "csv");
        // The chapters' escapes are checked in their parsed strings below.
        let chapter = loaded.texts.values().any(|t| t.chapters.values().any(|(p, _)| p == path));
        let mut found = 0;
        for (at, c) in printed_chars(text, csv, !chapter) {
            if !bad(c) {
                continue;
            }
            if let Some(problem) = problem(c, covers) {
                found += 1;
                if found <= MAX_PER_FILE {
                    diags.push(Diag::error(path, Some(at..at + c.len_utf8()), problem));
                }
            }
        }
        // Escapes (`"\u0007"`, `"\U0001F600"`) are only seen in the parsed strings.
        for (_, s) in loaded.texts.values().flat_map(|t| t.chapters.values()).filter(|(p, _)| p == path) {
            for lit in strings(s) {
                let raw = text.get(lit.span()).unwrap_or_default();
                if let Some(c) = lit.get_ref().chars().find(|c| bad(*c) && !raw.contains(*c)) {
                    found += 1;
                    if found <= MAX_PER_FILE {
                        let p = problem(c, covers).unwrap_or_default();
                        diags.push(Diag::error(path, Some(lit.span()), format!("{p} (written as an escape)")));
                    }
                }
            }
        }
        if found > MAX_PER_FILE {
            diags.push(Diag::error(
                path,
                None,
                format!("… and {} more characters no page can show", found - MAX_PER_FILE),
            ));
        }
    }
}

/// Whether each character met is a [`problem`], decided once per
/// character, not once per occurrence: a book's text is a few million
/// characters of a few thousand.
#[derive(Default)]
struct Verdicts {
    /// Characters of the Basic Multilingual Plane: 0 not yet decided, 1 fine, 2 a problem.
    bmp: Vec<u8>,
    other: HashMap<char, bool>,
}

impl Verdicts {
    fn bad(&mut self, c: char, covers: &dyn Fn(char) -> bool) -> bool {
        let decide = |c: char| problem(c, covers).is_some();
        let i = c as usize;
        if i > 0xFFFF {
            return *self.other.entry(c).or_insert_with(|| decide(c));
        }
        if self.bmp.is_empty() {
            self.bmp = vec![0; 0x10000];
        }
        if self.bmp[i] == 0 {
            self.bmp[i] = 1 + u8::from(decide(c));
        }
        self.bmp[i] == 2
    }
}

/// Why a character may not stand in a text, fonts aside: a control
/// character (NUL, ESC, …; not a line break or tab), or a bidirectional
/// embedding, override or isolate (U+202A–U+202E, U+2066–U+2069), which
/// reorders the text around it on the page (spoofing what a reader sees).
pub fn forbidden(c: char) -> Option<String> {
    if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
        return Some(format!("control character U+{:04X} in the text: no page can show it", u32::from(c)));
    }
    if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
        return Some(format!(
            "bidirectional control U+{:04X} in the text: it reorders what a reader sees; typst orders each script itself (U+200E/U+200F marks are allowed)",
            u32::from(c)
        ));
    }
    None
}

fn problem(c: char, covers: &dyn Fn(char) -> bool) -> Option<String> {
    if let Some(p) = forbidden(c) {
        return Some(p);
    }
    if c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{FE00}'..='\u{FE0F}') {
        return None;
    }
    if !covers(c) {
        return Some(format!("no font in fonts/ has `{c}` (U+{:04X})", u32::from(c)));
    }
    None
}

/// The characters of a TOML file that can reach a page (those in strings),
/// with their byte offsets; every character of a CSV file.
fn printed_chars(text: &str, csv: bool, escapes: bool) -> Vec<(usize, char)> {
    if csv {
        return text.char_indices().filter(|(_, c)| !c.is_ascii()).collect();
    }
    #[derive(PartialEq)]
    enum S {
        Out,
        Comment,
        Basic,
        Literal,
        MultiBasic,
        MultiLiteral,
    }
    let mut out = Vec::new();
    let mut state = S::Out;
    let b = text.as_bytes();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let rest = &b[i..];
        match state {
            S::Out => match c {
                '#' => state = S::Comment,
                '"' if rest.starts_with(b"\"\"\"") => {
                    state = S::MultiBasic;
                    iter.next();
                    iter.next();
                }
                '\'' if rest.starts_with(b"'''") => {
                    state = S::MultiLiteral;
                    iter.next();
                    iter.next();
                }
                '"' => state = S::Basic,
                '\'' => state = S::Literal,
                // Control characters outside strings are TOML errors already.
                _ => {}
            },
            S::Comment if c == '\n' => state = S::Out,
            S::Comment => {}
            S::Basic | S::MultiBasic if c == '\\' => {
                // An escape (`\u0000`) is checked as the character it stands for,
                // where the chapters' parsed strings are not (metadata, data).
                let digits = match rest.get(1) {
                    Some(b'u') => 4,
                    Some(b'U') => 8,
                    _ => 0,
                };
                if escapes
                    && digits > 0
                    && let Some(ch) = text
                        .get(i + 2..i + 2 + digits)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                {
                    out.push((i, ch));
                }
                iter.next();
            }
            S::Basic if c == '"' || c == '\n' => state = S::Out,
            S::Literal if c == '\'' || c == '\n' => state = S::Out,
            S::MultiBasic if rest.starts_with(b"\"\"\"") => {
                state = S::Out;
                iter.next();
                iter.next();
            }
            S::MultiLiteral if rest.starts_with(b"'''") => {
                state = S::Out;
                iter.next();
                iter.next();
            }
            _ if !c.is_ascii() || (c.is_ascii_control() && !matches!(c, '\n' | '\r' | '\t')) => out.push((i, c)),
            _ => {}
        }
    }
    out
}

/// Every string with a location in a chapter text.
fn strings(t: &TextFile) -> Vec<&Spanned<String>> {
    let mut out = vec![&t.title];
    out.extend(&t.subtitle);
    out.extend(t.labels.values());
    out.extend(t.charts.values().map(|c| &c.title));
    for b in &t.block {
        out.extend(block_strings(b));
    }
    out
}

fn block_strings(b: &Block) -> Vec<&Spanned<String>> {
    let mut out: Vec<&Spanned<String>> = Vec::new();
    out.extend([&b.p, &b.h, &b.h3, &b.h4, &b.title].into_iter().flatten());
    out.extend(b.list.iter().flatten());
    if let Some(t) = &b.table {
        out.push(&t.caption);
        out.extend(&t.header);
        out.extend(t.rows.iter().flatten());
        out.extend(&t.source);
    }
    if let Some(p) = &b.photo {
        out.push(&p.caption);
        out.push(&p.alt);
        out.extend(&p.credit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_string_contents_are_looked_at() {
        let text = "# a comment 😀\np = \"x 😀\" # 🎉\nq = '''\n✓'''\n";
        let chars: Vec<char> = printed_chars(text, false, true).into_iter().map(|(_, c)| c).collect();
        assert_eq!(chars, ['😀', '✓']);
        let at = printed_chars(text, false, true)[0].0;
        assert_eq!(&text[at..at + 4], "😀");
    }

    #[test]
    fn control_characters_and_uncovered_glyphs() {
        let covers = |c: char| c.is_ascii();
        assert!(problem('\u{7}', &covers).unwrap().contains("U+0007"));
        assert!(problem('\0', &covers).unwrap().contains("U+0000"));
        assert!(problem('😀', &covers).unwrap().contains("no font"));
        assert_eq!(problem('a', &covers), None);
        assert_eq!(problem('\u{FEFF}', &covers), None);
    }
}
