//! `vlr translate`: the translators' round trip through XLIFF 2.0, and the
//! fingerprints that tell a current translation from a stale one.
//!
//! - `export` (export.rs) writes the source texts a language still needs (or
//!   all of them) as XLIFF, with placeholders and markup as inline codes, a
//!   note on where each text is printed and how long it may be (context.rs),
//!   and in a stale text only the changed segments open, each with the
//!   source its old translation was made from;
//! - `import` (import.rs) checks a translated XLIFF file and writes it into
//!   `text/<lang>/*.toml`, keeping comments and layout, recording the
//!   fingerprint of the source each text was translated from;
//! - `stamp` (stamp.rs) records the current source's fingerprints in a
//!   translation that is known to be up to date;
//! - import and stamp keep `translations/translated-from.toml`, the source
//!   each translation was made from, segment by segment (record.rs).

mod context;
mod export;
mod import;
mod record;
mod stamp;
pub mod write;
pub mod xliff;

pub use export::export;
pub use import::import;
pub use stamp::{StampPlan, plan_stamp};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use crate::data::fingerprint::{self, Kind, Seg, Status};
use crate::data::load::{self, LangTexts, Loaded};
use crate::data::markup;
use crate::diag::{Diag, Sources};
use crate::i18n::Locale;
use crate::project::Project;
use write::Edit;

/// A project with the texts of its source language and of one other language.
pub struct Texts {
    /// `vlr.toml`, with the project's root and source language.
    pub project: Project,
    /// Texts of the files read, to locate problems in.
    pub sources: Sources,
    /// What was loaded: the data, and the text files of the two languages.
    pub loaded: Loaded,
    /// The source language's locale.
    pub src_locale: Locale,
    /// The target language's locale.
    pub locale: Locale,
    /// Whether the project's other languages' texts were all read (see [`record::updated`]).
    others_loaded: bool,
}

/// What a command did, for the status lines.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Status lines: (verb, rest).
    pub lines: Vec<(String, String)>,
    /// Warnings.
    pub warnings: Vec<Diag>,
}

/// Loads the project's source texts and `lang`'s; problems in them stop the command.
pub fn load_texts(root: &Path, lang: &str) -> Result<Texts, (Sources, Vec<Diag>)> {
    let mut sources = Sources::default();
    let project = Project::load(root, &mut sources).map_err(|d| (sources.clone(), d))?;
    let src = project.source_language().to_string();
    if !crate::i18n::is_supported(&project.root, lang) {
        let d = Diag::general(format!("unsupported language `{lang}`")).with_hint(format!(
            "built in: {}; any other language with CLDR data needs its strings in {}",
            crate::i18n::SUPPORTED.join(", "),
            crate::i18n::project_file(lang).display()
        ));
        return Err((sources, vec![d]));
    }
    if lang == src {
        let d = Diag::general(format!("`{lang}` is the source language: there is nothing to translate into it"));
        return Err((sources, vec![d]));
    }
    let mut diags = Vec::new();
    // Every language is read: the record of sources is shared by all (see `record`).
    let mut langs = project.languages();
    langs.extend([src.clone(), lang.to_string()]);
    langs.sort();
    langs.dedup();
    let loaded = load::load(&project.root, &langs, &mut sources, &mut diags, None);
    // Data problems are `vlr check`'s business; problems in the two languages'
    // texts and in the record stop us; another language's keep its entries of the record.
    let ours = [Path::new("text").join(&src), Path::new("text").join(lang)];
    let others_loaded = !diags.iter().any(|d| d.is_error() && d.file.as_ref().is_some_and(|f| f.starts_with("text")));
    diags.retain(|d| {
        d.is_error()
            && d.file.as_ref().is_some_and(|f| {
                ours.iter().any(|o| f.starts_with(o)) || f == Path::new(crate::data::source_record::PATH)
            })
    });
    if !diags.is_empty() {
        return Err((sources, diags));
    }
    // The languages' own settings (CJK or not), the project's overrides included.
    let mut locale = |l: &str| match crate::i18n::load_strings(&project.root, l, &mut sources) {
        Ok(strings) => Ok(Locale::new(l, strings, project.units.clone())),
        Err(d) => Err(d),
    };
    let (src_locale, locale) = match (locale(&src), locale(lang)) {
        (Ok(s), Ok(l)) => (s, l),
        (Err(d), _) | (_, Err(d)) => return Err((sources, d)),
    };
    Ok(Texts { project, sources, loaded, src_locale, locale, others_loaded })
}

impl Texts {
    fn src(&self) -> &str {
        self.project.source_language()
    }

    /// The book's chapters, in order.
    fn chapter_order(&self) -> Vec<String> {
        self.project.file.chapter.iter().map(|c| c.id.get_ref().clone()).collect()
    }

    /// Every source group's state in the target language.
    pub fn status(&self) -> Vec<Status> {
        let empty = LangTexts::default();
        let src = self.loaded.texts.get(self.src()).unwrap_or(&empty);
        let lang = &self.locale.lang;
        fingerprint::status(src, self.loaded.texts.get(lang), lang, &self.chapter_order(), self.loaded.record.as_ref())
    }

    /// The data index, for what placeholders print and which years are stale
    /// (problems in the data are `vlr check`'s to report).
    fn index(&self) -> crate::data::resolve::Index<'_> {
        crate::data::resolve::index(&self.loaded, &self.sources, self.project.settings(), &mut Vec::new())
    }

    /// The source file of a status.
    fn source_path(&self, st: &Status) -> PathBuf {
        Path::new("text").join(self.src()).join(st.source_file())
    }

    /// Parses a project file for editing (empty if it does not exist yet).
    /// A file that exists but was not read (not UTF-8, too large, not a
    /// regular file) is an error: rewriting it from the XLIFF alone would
    /// lose what it holds.
    fn document(&self, path: &Path) -> Result<DocumentMut, Diag> {
        let text = match self.sources.get(path) {
            Some(text) => text.to_string(),
            None if std::fs::symlink_metadata(self.project.root.join(path)).is_err() => {
                return Ok(DocumentMut::new());
            }
            None => crate::files::read_confined(&self.project.root, path).map_err(|e| {
                Diag::general(format!("{e}: it would be rewritten from the XLIFF alone, losing what it holds"))
                    .with_hint("fix or remove the file, then import again")
            })?,
        };
        text.parse::<DocumentMut>().map_err(|e| Diag::error(path, e.span(), e.message().to_string()))
    }

    /// Writes edits and the record of their sources, all or nothing: the
    /// number of text files changed, and whether the record changed.
    fn commit(&self, edits: &[(&Status, Edit)]) -> Result<(usize, bool), (Sources, Vec<Diag>)> {
        let mut files = self.apply(edits).map_err(|d| (self.sources.clone(), d))?;
        let changed = files.len();
        let record = record::updated(self, edits);
        let recorded = record.is_some();
        files.extend(record);
        self.write_files(&files).map_err(|d| (self.sources.clone(), vec![d]))?;
        Ok((changed, recorded))
    }

    /// Applies edits file by file; returns the files whose text changes, with
    /// their new text, after checking each still loads.
    fn apply(&self, edits: &[(&Status, Edit)]) -> Result<Vec<(PathBuf, String)>, Vec<Diag>> {
        let mut by_file: BTreeMap<(PathBuf, PathBuf), Vec<&Edit>> = BTreeMap::new();
        for (st, e) in edits {
            by_file.entry((st.path.clone(), self.source_path(st))).or_default().push(e);
        }
        let cjk = self.locale.cjk;
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for ((path, source), edits) in by_file {
            let (mut doc, src_doc) = match (self.document(&path), self.document(&source)) {
                (Ok(d), Ok(s)) => (d, s),
                (Err(e), _) | (_, Err(e)) => {
                    errors.push(e);
                    continue;
                }
            };
            write::apply(&mut doc, &src_doc, edits, cjk);
            let text = doc.to_string();
            if self.sources.get(&path) == Some(text.as_str()) {
                continue;
            }
            // What is written must load: a bug here must never damage a translation.
            let check = if path.file_stem().is_some_and(|s| s == "meta") {
                crate::files::parse_toml::<crate::data::model::MetaText>(&path, &text).map(|_| ())
            } else {
                crate::files::parse_toml::<crate::data::model::TextFile>(&path, &text).map(|_| ())
            };
            if let Err(d) = check {
                errors.push(Diag::general(format!(
                    "internal error: the new {} would not load ({}); nothing written",
                    path.display(),
                    d.message
                )));
                continue;
            }
            out.push((path, text));
        }
        if errors.is_empty() { Ok(out) } else { Err(errors) }
    }

    /// Writes files, all or nothing: each is first written to a temporary
    /// file beside it, and only when every one is written are they renamed
    /// over the old ones. Nothing is written through a symlink (a symlinked
    /// `text/<lang>` would send the files elsewhere).
    fn write_files(&self, files: &[(PathBuf, String)]) -> Result<(), Diag> {
        let root = &self.project.root;
        for (path, _) in files {
            let mut at = PathBuf::new();
            for part in path.components() {
                at.push(part);
                if std::fs::symlink_metadata(root.join(&at)).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(Diag::general(format!(
                        "{} is a symlink: vlr does not write through it; nothing written",
                        at.display()
                    ))
                    .with_hint("make it a real folder or file of the project"));
                }
            }
        }
        // Written beneath the project's handle: a folder swapped for a
        // symlink after the check above still cannot send a file out.
        let handle = crate::files::Root::open(root)
            .map_err(|e| Diag::general(format!("cannot open the project folder: {e}; nothing written")))?;
        let mut staged = Vec::new();
        for (path, text) in files {
            let s = crate::export::stage_in(&handle, path, text.as_bytes())
                .map_err(|e| Diag::general(format!("cannot write {}: {e}; nothing written", path.display())))?;
            staged.push((path, s));
        }
        let mut replaced = Vec::new();
        for (path, s) in staged {
            if let Err(e) = s.commit() {
                let done = if replaced.is_empty() { "none".to_string() } else { replaced.join(", ") };
                return Err(Diag::general(format!("{PARTLY} {}: {e}; already replaced: {done}", path.display())));
            }
            replaced.push(path.display().to_string());
        }
        Ok(())
    }
}

/// How an error begins when some files were replaced before a write failed.
const PARTLY: &str = "cannot replace";

/// Whether a failed command left every file as it was (no error says some were replaced).
pub fn nothing_written(diags: &[Diag]) -> bool {
    !diags.iter().any(|d| d.message.starts_with(PARTLY))
}

/// A segment's source text as an export writes it (codes restored): line
/// breaks of running text joined, a table cell's lines trimmed.
fn export_form(seg: &Seg, cjk: bool) -> String {
    match seg.kind {
        Kind::Markup => markup::join_lines(&seg.text, cjk),
        Kind::Lines => write::lines(&seg.text),
        Kind::Plain => seg.text.clone(),
    }
}
