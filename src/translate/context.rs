//! What a translator is told about each exported text: where the book prints
//! it, and how long it may be where the layout limits it.
//!
//! The limits follow the bundled templates (A4, a text block 166 mm wide)
//! and are estimates in characters, as `charts.rs` estimates labels: a Latin
//! character about 0.55 em wide on average, a CJK character 1 em. They are
//! given only where the layout cuts, overflows or crowds a longer text: the
//! running head (cut with "…" beyond one line), a key-figure panel's label
//! (a third of the block; past two lines the panel's row grows), a chart's
//! category label (a word never breaks: a longer one runs into the next
//! column). Running text, headings and table cells wrap freely: no limit.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::xliff::Note;
use crate::data::fingerprint::{Key, Status};
use crate::data::load::LangTexts;
use crate::data::model::{BlockContent, TextFile};
use crate::data::resolve::Index;
use crate::project::Project;

/// The text block's width, mm (A4, 24 mm inside and 20 mm outside margins).
const BLOCK_MM: f64 = 166.0;
/// A point in mm.
const PT: f64 = 0.3528;

/// Characters of a language that fit `mm` at `size` pt.
fn chars(mm: f64, size: f64, cjk: bool) -> usize {
    let em = if cjk { 1.0 } else { 0.55 };
    (mm / (size * PT * em)).floor() as usize
}

/// The running head: one line of the block at 8 pt.
fn running_head(cjk: bool) -> usize {
    chars(BLOCK_MM, 8.0, cjk)
}

/// A key-figure panel's label: two lines of a third of the block (5 mm
/// insets, 4 mm gutters) at 8.5 pt.
fn panel_label(cjk: bool) -> usize {
    2 * chars((BLOCK_MM - 10.0 - 8.0) / 3.0, 8.5, cjk)
}

/// What the export says about where texts are printed.
pub struct Context<'a> {
    project: &'a Project,
    src: &'a LangTexts,
    idx: &'a Index<'a>,
    /// Where each indicator is printed (`panel x`, `chart y`, `annex`…).
    uses: BTreeMap<String, BTreeSet<String>>,
    /// Whether the target language is written in CJK characters (its limits).
    cjk: bool,
    /// What placeholders print in the target language (titles quoted in notes are filled).
    shown: &'a HashMap<String, String>,
}

impl<'a> Context<'a> {
    /// The context of a project's texts, for a target language.
    pub fn new(
        project: &'a Project,
        loaded: &'a crate::data::load::Loaded,
        idx: &'a Index<'a>,
        cjk: bool,
        shown: &'a HashMap<String, String>,
    ) -> Self {
        let src = loaded.texts.get(project.source_language());
        static EMPTY: std::sync::OnceLock<LangTexts> = std::sync::OnceLock::new();
        let src = src.unwrap_or_else(|| EMPTY.get_or_init(LangTexts::default));
        let uses = crate::data::coverage::uses(project, loaded, idx);
        Context { project, src, idx, uses, cjk, shown }
    }

    /// The notes on where a group is printed and its limits, and the most
    /// characters its one segment may have, if the layout sets one.
    pub fn of(&self, st: &Status) -> (Vec<Note>, Option<usize>) {
        let mut notes = Vec::new();
        let mut limit = None;
        let chapter = self.chapter(&st.file);
        let file = self.src.chapters.get(&st.file).map(|(_, t)| t);
        let where_ = match &st.source.key {
            Key::Heading => {
                let n = running_head(self.cjk);
                notes.push(length(format!(
                    "The title is the running head of the chapter's right-hand pages, on one line: at most about {n} characters; a longer title is cut there with \u{2026}"
                )));
                format!(
                    "The title (and subtitle) of {chapter}: printed where the chapter opens, in the contents, and as the running head"
                )
            }
            Key::Block(id) => match file {
                Some(t) => self.block(t, id, &chapter),
                None => format!("{}: a block", capitalised(&chapter)),
            },
            Key::Label(k) => {
                let (text, in_panel) = self.label(k);
                if in_panel {
                    let n = panel_label(self.cjk);
                    limit = Some(n);
                    notes.push(length(format!(
                        "In a key-figure panel the label wraps under its figure, in a column a third of the page wide: at most {n} characters (two lines) keep the panel's rows even"
                    )));
                }
                text
            }
            Key::Chart(id) => {
                let (text, per_line) = self.chart(id, &chapter);
                if let Some((n, hbar)) = per_line {
                    let (place, over) = if hbar {
                        ("beside its bar", "into the bars")
                    } else {
                        ("under its column", "into the next column")
                    };
                    notes.push(length(format!(
                        "Each category label wraps {place}, about {n} characters a line; a word is never broken, so a word longer than {n} characters runs {over}"
                    )));
                }
                text
            }
            Key::Meta => {
                let n = running_head(self.cjk);
                notes.push(length(format!(
                    "`title` is also the running head of left-hand pages, on one line: at most about {n} characters; a longer title is cut there with \u{2026}"
                )));
                "The cover, the title page and imprint, the document's metadata and the acronyms spelt out (segments: `title`, `kicker`, `imprint.*`, `acronyms.*`…)".to_string()
            }
        };
        notes.insert(0, Note { category: "location", applies_to: None, text: where_ });
        // A limit applies to the unit as a whole only where it has one segment.
        let limit = limit.filter(|_| st.source.segs.len() == 1);
        (notes, limit)
    }

    /// A text quoted in a note, its placeholders as the language prints them.
    fn filled(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (ph, printed) in self.shown {
            if out.contains(ph.as_str()) {
                out = out.replace(ph.as_str(), printed);
            }
        }
        out
    }

    /// "chapter 4.1 “Economy”".
    fn chapter(&self, id: &str) -> String {
        let number = self.project.file.chapter.iter().find(|c| c.id.get_ref() == id).and_then(|c| c.number.clone());
        let title = self.src.chapters.get(id).map(|(_, t)| self.filled(t.title.get_ref())).unwrap_or_default();
        match number {
            Some(n) => format!("chapter {n} \u{201c}{title}\u{201d}"),
            None => format!("the chapter \u{201c}{title}\u{201d}"),
        }
    }

    /// Where a block is: its chapter, the heading it follows, and what it is.
    fn block(&self, t: &TextFile, id: &str, chapter: &str) -> String {
        let mut heading = None;
        let mut found = None;
        for b in &t.block {
            if b.id.as_ref().is_some_and(|i| i.get_ref() == id) {
                found = Some(b);
                break;
            }
            if let Some(h) = b.h.as_ref().or(b.h3.as_ref()).or(b.h4.as_ref()) {
                heading = Some(self.filled(h.get_ref()));
            }
        }
        let Some(b) = found else { return format!("{}: a block", capitalised(chapter)) };
        let what = match b.content() {
            Ok(BlockContent::P(_)) => "a paragraph".to_string(),
            Ok(BlockContent::H(level, _)) => format!("a heading (level {level}; it wraps, nothing is cut)"),
            Ok(BlockContent::List(items)) => format!("a bulleted list of {} items, a segment an item", items.len()),
            Ok(BlockContent::Panel(p)) => format!("the title of the key-figure panel `{}`", p.get_ref()),
            Ok(BlockContent::Table(tb)) => format!(
                "a table of {} rows under a header row: its caption (also in the list of tables), a segment a cell, its source line",
                tb.rows.len()
            ),
            Ok(BlockContent::Photo(_)) => {
                "a photo's caption and credit, and its alternative text (`photo.alt`: read by screen readers, never printed)"
                    .to_string()
            }
            _ => "a block".to_string(),
        };
        match heading {
            Some(h) => format!("{}, under the heading \u{201c}{h}\u{201d}: {what}", capitalised(chapter)),
            None => format!("{}: {what}", capitalised(chapter)),
        }
    }

    /// Where an indicator's label is printed, and whether it is in a panel.
    fn label(&self, key: &str) -> (String, bool) {
        let Some(uses) = self.uses.get(key) else {
            return (format!("The label of `{key}`"), false);
        };
        let mut places = Vec::new();
        let panels: Vec<&str> = uses.iter().filter_map(|u| u.strip_prefix("panel ")).collect();
        if !panels.is_empty() {
            places.push(format!("under its figure in the key-figure panel(s) {}", quoted(&panels)));
        }
        let charts: Vec<&str> = uses.iter().filter_map(|u| u.strip_prefix("chart ")).collect();
        if !charts.is_empty() {
            places.push(format!("in the chart(s) {}", quoted(&charts)));
        }
        if uses.contains("annex") {
            places.push("in the dashboard's and the statistical annex's tables".to_string());
        }
        let text = if places.is_empty() {
            format!("The label of indicator `{key}`")
        } else {
            format!("The label of indicator `{key}`: printed {}", places.join(", "))
        };
        (text, !panels.is_empty())
    }

    /// Where a chart's texts are printed, and how many characters a category
    /// label gets a line (and whether it is a horizontal bar chart's).
    fn chart(&self, id: &str, chapter: &str) -> (String, Option<(usize, bool)>) {
        let text = self.src.chapters.values().find_map(|(_, t)| t.charts.get(id));
        let mut roles = vec!["`title` is the figure's caption (also in the list of figures)"];
        if let Some(c) = text {
            for (present, role) in [
                (!c.categories.is_empty(), "`categories.*` label the columns or bars"),
                (!c.series.is_empty(), "`series.*` name the series in the legend"),
                (c.axis.is_some(), "`axis` titles the value axis"),
                (c.note.is_some(), "`note` is set under the chart"),
                (!c.references.is_empty(), "`references.*` label reference lines"),
            ] {
                if present {
                    roles.push(role);
                }
            }
        }
        let where_ = format!("The texts of chart `{id}` in {chapter}: {}", roles.join(", "));
        let Some((_, spec)) = self.idx.charts.iter().find(|(_, c)| c.id.get_ref() == id) else { return (where_, None) };
        if text.is_none_or(|c| c.categories.is_empty()) {
            return (where_, None);
        }
        let count = if spec.categories.is_empty() {
            crate::data::chart_spec::periods(self.idx, spec).len()
        } else {
            spec.categories.len()
        };
        let kind = *spec.kind.get_ref();
        let hbar = kind == crate::data::model::ChartKind::Hbar;
        (where_, Some((crate::charts::category_chars(kind, count, self.cjk), hbar)))
    }
}

/// A phrase with its first letter in capitals.
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// A note on length.
fn length(text: String) -> Note {
    Note { category: "length", applies_to: Some("target"), text }
}

/// `a`, `b`.
fn quoted(ids: &[&str]) -> String {
    ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_follow_the_page() {
        // 166 mm at 8 pt: about 107 Latin characters, 58 Chinese.
        assert_eq!((running_head(false), running_head(true)), (106, 58));
        // A third of 148 mm at 8.5 pt, two lines.
        assert_eq!((panel_label(false), panel_label(true)), (58, 32));
    }
}
