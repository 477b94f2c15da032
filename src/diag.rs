//! One renderer for every problem vlr reports: in TOML, data and text files,
//! and typst's own diagnostics, which [`crate::world::VlrWorld::diagnostics`]
//! and [`crate::sourcemap::relocate`] turn into [`Diag`]s first.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::term::{self, termcolor::WriteColor};

/// A sink without colours (for tests and fuzzing).
pub use codespan_reporting::term::termcolor::NoColor;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The edition can still be built.
    Warning,
    /// The edition cannot be built.
    Error,
}

/// A problem in one of the project's files, with its location.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diag {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// The file, relative to the project root.
    pub file: Option<PathBuf>,
    /// Byte range in the file.
    pub span: Option<Range<usize>>,
    /// Extra lines printed under the problem: `hint: …`, and where it arose
    /// (`while calling f at …`).
    pub notes: Vec<String>,
}

impl Diag {
    /// Creates an error at a location.
    pub fn error(file: impl Into<PathBuf>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, message: message.into(), file: Some(file.into()), span, notes: Vec::new() }
    }

    /// Creates a warning at a location.
    pub fn warning(file: impl Into<PathBuf>, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(file, span, message) }
    }

    /// Creates an error that belongs to no file.
    pub fn general(message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, message: message.into(), file: None, span: None, notes: Vec::new() }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.notes.push(format!("hint: {}", hint.into()));
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Keeps the text of every file read, so diagnostics can show the offending line.
#[derive(Debug, Default, Clone)]
pub struct Sources {
    texts: HashMap<PathBuf, String>,
}

impl Sources {
    /// Remembers a file's text under its project-relative path.
    pub fn insert(&mut self, path: &Path, text: String) {
        self.texts.insert(path.to_path_buf(), text);
    }

    /// The text of a file read before.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.texts.get(path).map(String::as_str)
    }

    /// The paths of every file read.
    pub fn files(&self) -> Vec<PathBuf> {
        self.texts.keys().cloned().collect()
    }

    /// 1-based line and column of a byte offset, if the file is known.
    pub fn line_col(&self, path: &Path, offset: usize) -> Option<(usize, usize)> {
        let text = self.get(path)?;
        let before = text.get(..offset.min(text.len()))?;
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some((line, col))
    }
}

/// At most this many problems are printed per file; the rest are counted.
pub const MAX_PER_FILE: usize = 20;

/// Source lines longer than this (in characters) are shown as a window
/// around the problem.
const MAX_LINE: usize = 160;

/// Prints diagnostics with the offending line underlined, as typst's CLI does.
///
/// The cost is linear in the size of the files and the number of problems:
/// at most [`MAX_PER_FILE`] problems a file are printed (then how many more
/// there are), a long line is cut to a window around the problem, and a span
/// over many lines shows its first lines only.
pub fn emit(out: &mut dyn WriteColor, sources: &Sources, diags: &[Diag], base: &Path) {
    let config = term::Config::default();
    let mut per_file: HashMap<Option<&Path>, usize> = HashMap::new();
    let mut lines: HashMap<&Path, Vec<usize>> = HashMap::new();
    for diag in diags {
        let count = per_file.entry(diag.file.as_deref()).or_insert(0);
        *count += 1;
        if *count > MAX_PER_FILE && diag.file.is_some() {
            continue;
        }
        let mut d = match diag.severity {
            Severity::Error => Diagnostic::error(),
            Severity::Warning => Diagnostic::warning(),
        }
        .with_message(visible(&diag.message))
        .with_notes(diag.notes.iter().map(|n| visible(n).into_owned()).collect());
        let mut excerpt = None;
        if let Some(file) = &diag.file {
            let shown = display_path(base, file);
            match (sources.get(file), &diag.span) {
                (Some(text), Some(span)) => {
                    let starts = lines.entry(file).or_insert_with(|| line_starts(text));
                    let e = Excerpt::new(shown, text, starts, span.clone());
                    d = d.with_labels(vec![Label::primary((), e.label.clone())]);
                    excerpt = Some(e);
                }
                _ => d = d.with_notes(vec![format!("in {shown}")]),
            }
        }
        let none = Excerpt {
            name: String::new(),
            text: String::new(),
            starts: vec![0],
            first_line: 1,
            column: 1,
            label: 0..0,
        };
        let done = term::emit(out, &config, excerpt.as_ref().unwrap_or(&none), &d);
        if done.is_err() {
            let _ = writeln!(out, "{}: {}", label(diag.severity), diag.message);
        }
    }
    let mut more: Vec<(&Path, usize)> =
        per_file.into_iter().filter_map(|(f, n)| Some((f?, n)).filter(|(_, n)| *n > MAX_PER_FILE)).collect();
    more.sort();
    for (file, n) in more {
        let _ = writeln!(
            out,
            "note: {} more problem(s) in {} not shown (the first {MAX_PER_FILE} are above)\n",
            n - MAX_PER_FILE,
            display_path(base, file)
        );
    }
}

/// Text as it may go to a terminal: control characters (an escape sequence
/// would be run by the terminal) and bidirectional overrides (which reorder
/// what is shown) are written as `\u{1B}`; line breaks and tabs stay.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| {
        (c.is_control() && !matches!(c, '\n' | '\t')) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !text.contains(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Byte offsets where the lines of `text` start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect()
}

/// The lines of a file a diagnostic shows, cut to a readable width, with the
/// real line and column numbers.
struct Excerpt {
    name: String,
    text: String,
    starts: Vec<usize>,
    /// The real number of the excerpt's first line (1-based).
    first_line: usize,
    /// The real column of the label's start (1-based).
    column: usize,
    /// The label, in the excerpt's bytes.
    label: Range<usize>,
}

impl Excerpt {
    fn new(name: String, text: &str, starts: &[usize], span: Range<usize>) -> Self {
        let clamp = |i: usize| {
            let mut i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let (start, end) = (clamp(span.start), clamp(span.end.max(span.start)));
        let line_of = |at: usize| starts.partition_point(|s| *s <= at).saturating_sub(1);
        let first = line_of(start);
        // A span over many lines shows its first six.
        let last = line_of(end).min(first + 5);
        let line_end = |l: usize| starts.get(l + 1).map_or(text.len(), |s| s - 1);
        let end = end.min(line_end(last));
        let column = text[starts[first]..start].chars().count() + 1;
        let mut out = String::new();
        let mut label = 0..0;
        for (l, &ls) in starts.iter().enumerate().take(last + 1).skip(first) {
            let le = line_end(l);
            let line = text[ls..le].strip_suffix('\r').unwrap_or(&text[ls..le]);
            let le = ls + line.len();
            // The window of the line shown: around the label's start on the
            // first line, from the line's start on the others.
            let (mut from, mut to) = (ls, le);
            if line.chars().count() > MAX_LINE {
                let anchor = if l == first { start.min(le) } else { ls };
                from = back(text, anchor, MAX_LINE / 3).max(ls);
                to = forward(text, from, MAX_LINE).min(le);
                if l == last && end > to && end <= le && l == first {
                    // Keep a short label whole.
                    to = forward(text, end, 8).min(le);
                    if text[from..to].chars().count() > MAX_LINE * 2 {
                        to = forward(text, from, MAX_LINE * 2).min(le);
                    }
                }
            }
            let prefix = if from > ls { "…" } else { "" };
            let base = out.len() + prefix.len();
            out.push_str(prefix);
            out.push_str(&visible(&text[from..to]));
            if to < le {
                out.push('…');
            }
            let map = |at: usize| base + visible(&text[from..at.clamp(from, to)]).len();
            if l == first {
                label.start = map(start);
            }
            if l == last {
                label.end = map(end).max(label.start);
            }
            out.push('\n');
        }
        Self { name, starts: line_starts(&out), text: out, first_line: first + 1, column, label }
    }
}

/// The byte offset `n` characters before `at`.
fn back(text: &str, at: usize, n: usize) -> usize {
    text[..at].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// The byte offset `n` characters after `at`.
fn forward(text: &str, at: usize, n: usize) -> usize {
    text[at..].char_indices().nth(n).map_or(text.len(), |(i, _)| at + i)
}

impl<'a> codespan_reporting::files::Files<'a> for Excerpt {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.text)
    }

    fn line_index(&'a self, (): (), byte: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.starts.partition_point(|s| *s <= byte).saturating_sub(1))
    }

    fn line_number(&'a self, (): (), line: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.first_line + line)
    }

    fn column_number(&'a self, (): (), line: usize, byte: usize) -> Result<usize, codespan_reporting::files::Error> {
        if line == 0 && byte == self.label.start {
            return Ok(self.column);
        }
        let range = self.line_range((), line)?;
        Ok(codespan_reporting::files::column_index(&self.text, range, byte) + 1)
    }

    fn line_range(&'a self, (): (), line: usize) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let start = *self
            .starts
            .get(line)
            .ok_or(codespan_reporting::files::Error::LineTooLarge { given: line, max: self.starts.len() })?;
        let end = self.starts.get(line + 1).copied().unwrap_or(self.text.len());
        Ok(start..end)
    }
}

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Shows a project-relative path relative to the working directory where possible.
pub fn display_path(base: &Path, file: &Path) -> String {
    let full = base.join(file);
    let cwd = std::env::current_dir().ok();
    let shown = cwd.as_deref().and_then(|cwd| full.strip_prefix(cwd).ok()).map(Path::to_path_buf).unwrap_or(full);
    shown.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_bidi_overrides_are_shown_escaped() {
        let mut sources = Sources::default();
        let text = "title = \"\u{1b}[2J\u{1b}]0;pwned\u{7}x\u{202e}gpj.exe\"\nbad = 1\n";
        sources.insert(Path::new("t.toml"), text.to_string());
        let at = text.find("bad").unwrap();
        let diags = [
            Diag::error("t.toml", Some(1..text.find('x').unwrap() + 1), "odd \u{1b}[31mred"),
            Diag::error("t.toml", Some(at..at + 3), "unknown field"),
        ];
        let mut out = NoColor::new(Vec::new());
        emit(&mut out, &sources, &diags, Path::new(""));
        let shown = String::from_utf8(out.into_inner()).unwrap();
        assert!(!shown.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{shown:?}");
        assert!(shown.contains("title = \"\\u{1B}[2J\\u{1B}]0;pwned\\u{7}x\\u{202E}gpj.exe\""), "{shown}");
        assert!(shown.contains("odd \\u{1B}[31mred"), "{shown}");
        assert!(shown.contains("t.toml:2:1"), "{shown}");
    }

    #[test]
    fn line_and_column_are_one_based() {
        let mut s = Sources::default();
        s.insert(Path::new("a.toml"), "x = 1\ny = [\n".into());
        assert_eq!(s.line_col(Path::new("a.toml"), 0), Some((1, 1)));
        assert_eq!(s.line_col(Path::new("a.toml"), 8), Some((2, 3)));
    }

    fn render(text: &str, diags: &[Diag]) -> String {
        let mut s = Sources::default();
        s.insert(Path::new("t.toml"), text.into());
        let mut out = NoColor::new(Vec::new());
        emit(&mut out, &s, diags, Path::new("/p"));
        String::from_utf8(out.into_inner()).unwrap()
    }

    #[test]
    fn long_lines_are_cut_around_the_problem() {
        let text = format!("x = 1\np = \"{} {{bad}} {}\"\n", "a".repeat(5000), "b".repeat(5000));
        let at = text.find("{bad}").unwrap();
        let out = render(&text, &[Diag::error("t.toml", Some(at..at + 5), "unknown")]);
        assert!(out.contains(&format!("t.toml:2:{}", at - 6 + 1)), "{out}");
        assert!(out.contains("{bad}") && out.contains('…'), "{out}");
        assert!(out.len() < 1000, "{} bytes:\n{out}", out.len());
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        let line = out.lines().find(|l| l.contains("{bad}")).unwrap();
        let col = |l: &str, c: char| l.chars().position(|x| x == c);
        assert_eq!(col(caret, '^'), col(line, '{'), "{out}");
    }

    #[test]
    fn problems_per_file_are_capped() {
        let text = "a b c\n".repeat(100);
        let diags: Vec<Diag> = (0..100).map(|i| Diag::error("t.toml", Some(i * 6..i * 6 + 1), "bad")).collect();
        let out = render(&text, &diags);
        assert_eq!(out.matches("error: bad").count(), MAX_PER_FILE);
        assert!(out.contains("80 more problem(s)"), "{out}");
    }

    #[test]
    fn short_lines_render_as_before() {
        let text = "x = 1\ny = = 2\n";
        let out = render(text, &[Diag::error("t.toml", Some(10..11), "bad")]);
        assert!(out.contains("t.toml:2:5"), "{out}");
        assert!(out.contains("2 │ y = = 2"), "{out}");
        assert!(out.contains("  │     ^"), "{out}");
    }
}
