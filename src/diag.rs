//! One renderer for problems found in TOML, data and text files.
//!
//! Typst's own diagnostics are rendered by `typst-kit` in the same style
//! (see [`crate::world`]); everything else goes through [`Diag`].

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor};

/// A sink without colours (for tests and fuzzing).
pub use codespan_reporting::term::termcolor::NoColor;

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The edition can still be built.
    Warning,
    /// The edition cannot be built.
    Error,
}

/// A problem in one of the project's files, with its location.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Prints diagnostics with the offending line underlined, as typst's CLI does.
pub fn emit(out: &mut dyn WriteColor, sources: &Sources, diags: &[Diag], base: &Path) {
    let mut files = SimpleFiles::new();
    let mut ids = HashMap::new();
    let config = term::Config::default();
    for diag in diags {
        let mut d = match diag.severity {
            Severity::Error => Diagnostic::error(),
            Severity::Warning => Diagnostic::warning(),
        }
        .with_message(&diag.message)
        .with_notes(diag.notes.clone());
        if let Some(file) = &diag.file {
            let shown = display_path(base, file);
            match (sources.get(file), &diag.span) {
                (Some(text), Some(span)) => {
                    let id = *ids.entry(file.clone()).or_insert_with(|| files.add(shown.clone(), text.to_string()));
                    let end = span.end.min(text.len()).max(span.start.min(text.len()));
                    d = d.with_labels(vec![Label::primary(id, span.start.min(text.len())..end)]);
                }
                _ => d = d.with_notes(vec![format!("in {shown}")]),
            }
        }
        if term::emit(out, &config, &files, &d).is_err() {
            let _ = writeln!(out, "{}: {}", label(diag.severity), diag.message);
        }
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
    fn line_and_column_are_one_based() {
        let mut s = Sources::default();
        s.insert(Path::new("a.toml"), "x = 1\ny = [\n".into());
        assert_eq!(s.line_col(Path::new("a.toml"), 0), Some((1, 1)));
        assert_eq!(s.line_col(Path::new("a.toml"), 8), Some((2, 3)));
    }
}
