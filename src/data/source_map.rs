//! Where the resolved document's texts come from: each text of an edition's
//! document with its file, span and, for headings, its level, in document
//! order, recorded while resolving, so that typst's complaints about the
//! typeset document can be traced back to the line that wrote it.

use std::ops::Range;
use std::path::{Path, PathBuf};

/// One text of the document and where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The project file.
    pub file: PathBuf,
    /// The span of the string in it.
    pub span: Range<usize>,
    /// The text as resolved (placeholders filled in).
    pub text: String,
    /// The heading level, for headings.
    pub heading: Option<u8>,
}

/// The texts of one edition's document, in document order.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Each text with where it was written.
    pub entries: Vec<Entry>,
}

impl SourceMap {
    /// Records a text.
    pub fn push(&mut self, file: &Path, span: Range<usize>, text: String, heading: Option<u8>) {
        self.entries.push(Entry { file: file.to_path_buf(), span, text, heading });
    }

    /// Marks the text just recorded at `file`/`span` as a heading of `level`.
    pub fn mark_heading(&mut self, level: u8, file: &Path, span: Range<usize>) {
        if let Some(e) = self.entries.last_mut()
            && e.file == file
            && e.span == span
        {
            e.heading = Some(level);
        }
    }

    /// The headings whose level is more than one below the previous one's, in
    /// order: what PDF/UA-1 refuses ("skipped from heading level 2 to 4").
    pub fn heading_jumps(&self) -> Vec<(&Entry, u8)> {
        let mut prev = 0u8;
        let mut out = Vec::new();
        for e in &self.entries {
            let Some(level) = e.heading else { continue };
            if level > prev + 1 {
                out.push((e, prev));
            }
            prev = level;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_heading_jumps_in_document_order() {
        let mut map = SourceMap::default();
        let f = Path::new("text/en/a.toml");
        for (i, level) in [1u8, 2, 4, 2, 3].iter().enumerate() {
            map.push(f, i * 10..i * 10 + 5, format!("h{i}"), Some(*level));
        }
        map.push(f, 100..105, "p".into(), None);
        let jumps = map.heading_jumps();
        assert_eq!(jumps.len(), 1);
        assert_eq!((jumps[0].0.text.as_str(), jumps[0].1), ("h2", 2));
    }
}
