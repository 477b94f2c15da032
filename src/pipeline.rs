//! The pipeline, written once and used by every command, the reference-image
//! tests and the fuzz target:
//!
//! 1. **load** ([`Session::load`]): vlr.toml, each language's strings, data and text;
//! 2. **validate** ([`Session::validate`]), once for all editions: the data
//!    index, citations, glyphs the fonts lack;
//! 3. per edition, **resolve** ([`Data::resolve`]): the document handed to the
//!    templates and the charts, as virtual files;
//! 4. **compile** ([`Data::compile`]): typst lays the edition out in a
//!    [`VlrWorld`], copyfits it (`fit.rs`: a chapter that would leave a few
//!    lines alone on its last page is laid out again a little tighter) and
//!    exports the PDF; typst's complaints about text are placed back at the
//!    text file that produced them.
//!
//! [`Data::edition`] runs steps 3 and 4. Writing the PDF is the `build`
//! command's business (commands/build.rs).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use typst::diag::SourceDiagnostic;
use typst_layout::{PagedDocument, PagedIntrospector};

use crate::charts;
use crate::data::document::{self, Callout, Figure, Translation};
use crate::data::load::{self, Loaded};
use crate::data::resolve::{self, Index, ResolveOptions};
use crate::data::status::{self, Dashboard};
use crate::diag::{Diag, Sources};
use crate::export::{self, Profile};
use crate::fonts::Fonts;
use crate::project::Project;
use crate::report::{ExitStatus, Failure, dedup};
use crate::theme::{Colour, Copyfit, Theme};
use crate::world::{Parsed, VlrWorld};

mod fit;
pub mod fit_cache;
pub mod relayout;

/// How to make an edition.
#[derive(Debug, Clone)]
pub struct EditionOptions {
    /// Fall back to the source language where text is missing.
    pub draft: bool,
    /// Output profile.
    pub profile: Profile,
    /// Also write the edition's Typst sources, data and charts here.
    pub emit_typst: Option<PathBuf>,
    /// Set each edition's chapters as tight as given here (language → chapter
    /// id and steps), in one layout, instead of copyfitting: `vlr watch`'s
    /// quick pass after a change, with what copyfitting chose last time.
    pub fit_as: Option<Arc<Tightened>>,
    /// Keep typst's memoized work (watch rebuilds from it). Otherwise
    /// copyfitting lets go of each trial layout's work as it makes the next,
    /// and a build frees it all as each edition is written.
    pub keep_caches: bool,
    /// How many editions are made at once. Unless the caches are kept, an
    /// edition laid out once (as `copyfit.lock` chose, or not copyfitted)
    /// lets go of typst's memoized work between its layout's rounds once
    /// that many evictions (one per edition under way) found it unused.
    pub at_once: usize,
    /// Copyfitting's memory of its choices (`vlr build`'s output folder):
    /// an edition whose inputs are unchanged is laid out once, as chosen.
    pub fit_cache: Option<Arc<fit_cache::FitCache>>,
    /// Once this is set, an edition not yet laid out gives up, and one being
    /// laid out or copyfitted gives up at the end of typst's current round:
    /// [`Outcome::Stopped`]. `vlr watch` sets it when a change comes in
    /// during its full pass.
    pub stop: Option<Arc<AtomicBool>>,
    /// Where each edition's last layout is kept, across rebuilds (`vlr watch`).
    pub last_layouts: Option<Arc<LastLayouts>>,
    /// Start each edition's layout from its last one, kept in `last_layouts`,
    /// instead of from nothing: `vlr watch`'s quick pass (see [`relayout`]).
    pub from_last: bool,
    /// The templates' parsed sources, kept across rebuilds (`vlr watch`).
    pub parsed: Option<Arc<Parsed>>,
}

/// Each edition's last layout (by language and profile), for the next to
/// start from: `vlr watch` keeps them across rebuilds.
#[derive(Debug, Default)]
pub struct LastLayouts(std::sync::Mutex<HashMap<String, Arc<PagedIntrospector>>>);

impl LastLayouts {
    fn get(&self, slot: &str) -> Option<Arc<PagedIntrospector>> {
        self.0.lock().ok()?.get(slot).cloned()
    }

    fn keep(&self, slot: &str, layout: Arc<PagedIntrospector>) {
        if let Ok(mut m) = self.0.lock() {
            m.insert(slot.to_string(), layout);
        }
    }
}

impl EditionOptions {
    /// A submission edition (a draft if asked): no Typst sources written,
    /// copyfitted afresh, typst's caches freed as it is written.
    pub fn submission(draft: bool) -> Self {
        Self {
            draft,
            profile: Profile::Submission,
            emit_typst: None,
            fit_as: None,
            keep_caches: false,
            at_once: 1,
            fit_cache: None,
            stop: None,
            last_layouts: None,
            from_last: false,
            parsed: None,
        }
    }
}

/// Per language, the chapters copyfitting set tighter: id and steps.
pub type Tightened = HashMap<String, Vec<(String, u8)>>;

/// How an edition is copyfitted, and what copyfitting may keep.
#[derive(Clone, Copy)]
pub struct Fitting<'a> {
    /// How.
    pub fit: Fit<'a>,
    /// Keep typst's memoized work of the trials (`vlr watch`).
    pub keep_caches: bool,
    /// How many editions are made at once (see [`EditionOptions::at_once`]).
    pub at_once: usize,
    /// Choices remembered from builds before, and where to note new ones.
    pub remembered: Option<&'a fit_cache::FitCache>,
    /// A draft: its choices are remembered apart from the release's (its
    /// pages differ, so proofing drafts does not cost the release its entry).
    pub draft: bool,
    /// Give up when this is set (see [`EditionOptions::stop`]).
    pub stop: Option<&'a AtomicBool>,
    /// Where the edition's last layout is kept, and whether to start from it
    /// (see [`EditionOptions::last_layouts`]).
    pub last: Option<(&'a LastLayouts, bool)>,
    /// Where the templates' parsed sources are kept across rebuilds.
    pub parsed: Option<&'a Arc<Parsed>>,
}

impl<'a> Fitting<'a> {
    /// Copyfitted as `fit` says, keeping nothing across builds and never
    /// stopped (`vlr check`, and a build's defaults).
    pub fn new(fit: Fit<'a>) -> Self {
        Self {
            fit,
            keep_caches: false,
            at_once: 1,
            remembered: None,
            draft: false,
            stop: None,
            last: None,
            parsed: None,
        }
    }
}

/// How an edition is copyfitted.
#[derive(Clone, Copy)]
pub enum Fit<'a> {
    /// Not at all: laid out once, as written (`vlr check`).
    No,
    /// As theme.toml's `[copyfit]` asks.
    Full,
    /// These chapters (id, steps) set tighter, in one layout.
    As(&'a [(String, u8)]),
}

/// A project loaded: read once, then used for every edition.
pub struct Session {
    /// The project.
    pub project: Project,
    /// Texts of every file read, for diagnostics.
    pub sources: Sources,
    /// Data and text.
    pub loaded: Loaded,
    /// Problems found while loading (warnings: a file with an error stops [`Session::load`]).
    pub diags: Vec<Diag>,
    /// Each language's strings: built in, overlaid with the project's `i18n/<lang>.toml`.
    pub strings: BTreeMap<String, crate::i18n::Strings>,
    /// The book's theme (`theme.toml` beside the template), what the charts
    /// are drawn with; or why it cannot be used, which [`Session::validate`]
    /// reports (only editions need it: `new-edition` does not).
    pub theme: Result<Theme, Diag>,
}

impl Session {
    /// Loads the project at `root` for the given languages (all if empty).
    ///
    /// A `--lang` the project does not have is a usage error; a file that
    /// cannot be read or parsed stops here, so its one error is not followed
    /// by an error for every reference to what it held.
    pub fn load(root: &Path, langs: &[String]) -> Result<Session, Failure> {
        Self::load_kept(root, langs, None)
    }

    /// [`Session::load`], taking the files whose text is unchanged from
    /// `kept` as parsed before (`vlr watch`).
    pub fn load_kept(root: &Path, langs: &[String], kept: Option<&load::Kept>) -> Result<Session, Failure> {
        let mut sources = Sources::default();
        let project = match Project::load(root, &mut sources) {
            Ok(p) => p,
            Err(diags) => return Err(Failure::new(sources, diags, ExitStatus::Problems)),
        };
        let mut all = project.languages();
        for l in langs {
            if !all.contains(l) {
                let d = Diag::general(format!("--lang `{l}` is not in vlr.toml (it has: {})", all.join(", ")));
                return Err(Failure::new(sources, vec![d], ExitStatus::Usage));
            }
        }
        if !langs.is_empty() {
            all.retain(|l| langs.contains(l) || l == project.source_language());
        }
        let mut diags = Vec::new();
        let theme = Theme::load(&project.root, project.file.project.template.get_ref(), &mut sources);
        let mut strings = BTreeMap::new();
        for lang in &all {
            match crate::i18n::load_strings(&project.root, lang, &mut sources) {
                Ok(s) => {
                    strings.insert(lang.clone(), s);
                }
                Err(mut d) => diags.append(&mut d),
            }
        }
        let loaded = load::load(&project.root, &all, &mut sources, &mut diags, kept);
        if diags.iter().any(Diag::is_error) {
            let base = Some(project.root.clone());
            return Err(Failure { sources, diags: dedup(diags), exit: ExitStatus::Problems, base });
        }
        Ok(Session { project, sources, loaded, diags, strings, theme })
    }

    /// The languages to make: those asked for, else all of the project's.
    pub fn languages(&self, asked: &[String]) -> Vec<String> {
        if asked.is_empty() { self.project.languages() } else { asked.to_vec() }
    }

    /// The project's fonts (`fonts/`), and the system's if asked.
    pub fn fonts(&self, system: bool) -> Result<Arc<Fonts>, Failure> {
        load_fonts(&self.project.root, system).map(Arc::new).map_err(|d| Failure::general(d, ExitStatus::Usage))
    }

    /// The data index alone (what `new-edition` needs): problems go to `diags`.
    pub fn index(&self, diags: &mut Vec<Diag>) -> Index<'_> {
        self.index_at(*self.project.file.project.edition.get_ref(), diags)
    }

    /// The data index as edition `edition` reads the same data (what
    /// `vlr diff` compares the project's edition with).
    pub fn index_at(&self, edition: i32, diags: &mut Vec<Diag>) -> Index<'_> {
        let settings = crate::data::index::Settings { edition, ..self.project.settings() };
        resolve::index(&self.loaded, &self.sources, settings, diags)
    }

    /// Validates the data, once for all editions: the theme, the index
    /// (series, units, references, charts), citations, and characters the
    /// fonts cannot print.
    pub fn validate(&self, fonts: Arc<Fonts>) -> Data<'_> {
        self.validate_at(fonts, *self.project.file.project.edition.get_ref())
    }

    /// Validates the data as edition `edition` reads them (see [`Session::index_at`]).
    pub fn validate_at(&self, fonts: Arc<Fonts>, edition: i32) -> Data<'_> {
        let mut diags = self.diags.clone();
        diags.extend(self.theme.as_ref().err().cloned());
        let index = self.index_at(edition, &mut diags);
        resolve::check_citations(&index, &self.source_labels(), &mut diags);
        crate::data::chars::check(&self.loaded, &self.sources, &|c| fonts.covers(c), &mut diags);
        for (path, file) in &self.loaded.data {
            if let Some(first) = file.acronym.first() {
                let d = Diag::warning(path, Some(first.id.span()), "`[[acronym]]` in data/ is no longer read");
                diags.push(d.with_hint(
                    "each language lists the acronyms its text uses under [acronyms] in text/<lang>/meta.toml, keyed as that language writes them (ODD, PIB …)",
                ));
            }
        }
        diags.extend(self.imprint_sign_off());
        diags.extend(self.theme_fonts(&fonts));
        for path in fonts.skipped() {
            let d = Diag::warning(path.clone(), None, "this font leads outside the project: skipped");
            diags.push(d.with_hint("vlr reads nothing outside the project folder: copy the font into fonts/"));
        }
        Data { session: self, fonts, index, diags }
    }

    /// The theme's font families the languages loaded are set in, each
    /// checked against the fonts: one no font is of is an error (typst would
    /// set the text in another face without a word), one without its regular
    /// face a warning (its regular text takes the nearest face there is).
    fn theme_fonts(&self, fonts: &Fonts) -> Vec<Diag> {
        let Ok(theme) = &self.theme else { return Vec::new() };
        let rel = crate::theme::Theme::path(self.project.file.project.template.get_ref());
        let mut scripts: Vec<crate::i18n::Script> = Vec::new();
        // The languages loaded: those asked for, and the source language.
        for (lang, strings) in &self.strings {
            let script = strings.typography.script_of(lang);
            if !scripts.contains(&script) {
                scripts.push(script);
            }
        }
        let mut seen = std::collections::HashSet::new();
        let mut diags = Vec::new();
        for script in scripts {
            for (family, span) in theme.charts.families(script) {
                if !seen.insert(family.to_lowercase()) {
                    continue;
                }
                let variants = fonts.variants(family);
                if variants.is_empty() {
                    let d = Diag::error(&rel, Some(span), format!("no font in fonts/ is of the family `{family}`"));
                    diags.push(d.with_hint("add its font files to fonts/, or name a family that is there"));
                } else if !variants
                    .iter()
                    .any(|v| v.style == typst::text::FontStyle::Normal && v.weight == typst::text::FontWeight::REGULAR)
                {
                    let faces: Vec<String> = variants.iter().map(|v| crate::fonts::face_name(*v)).collect();
                    let d = Diag::warning(
                        &rel,
                        Some(span),
                        format!("fonts/ has `{family}` only as {}: no regular face", faces.join(", ")),
                    );
                    diags.push(d.with_hint(
                        "its regular text is set in the nearest of these: add the regular face's file to fonts/",
                    ));
                }
            }
        }
        diags
    }

    /// What the imprint lacks that a submission to the United Nations
    /// expects (a copyright line or licence, a disclaimer, an ISBN or
    /// document symbol): a warning at the source language's meta.toml, the
    /// file to add them to. vlr never makes them up.
    fn imprint_sign_off(&self) -> Option<Diag> {
        let (path, meta) = self.loaded.texts.get(self.project.source_language())?.meta.as_ref()?;
        let i = &meta.imprint;
        let mut lacking = Vec::new();
        if i.copyright.is_none() && i.licence.is_none() {
            lacking.push("a copyright line or licence (`copyright`, `licence`)");
        }
        if i.disclaimer.is_none() {
            lacking.push("the designations disclaimer (`disclaimer`)");
        }
        if i.identifier.is_none() {
            lacking.push("an ISBN or document symbol (`identifier`)");
        }
        if lacking.is_empty() {
            return None;
        }
        let d = Diag::warning(
            path.clone(),
            None,
            format!("the imprint lacks what a submission to the United Nations expects: {}", lacking.join(", ")),
        );
        Some(d.with_hint(
            "add them under [imprint] here, as the publisher states them (and in each translation's meta.toml); vlr prints only what is given",
        ))
    }

    /// The locale of an edition: its language's strings (the project's
    /// overrides included) and the project's units.
    pub fn locale(&self, lang: &str) -> crate::i18n::Locale {
        let strings = self.strings.get(lang).cloned().unwrap_or_else(|| crate::i18n::Locale::builtin(lang).strings);
        crate::i18n::Locale::new(lang, strings, self.project.units.clone())
    }

    /// The source language's labels of indicators, by id.
    pub fn source_labels(&self) -> BTreeMap<&str, &str> {
        let mut out = BTreeMap::new();
        if let Some(texts) = self.loaded.texts.get(self.project.source_language()) {
            for (_, file) in texts.chapters.values() {
                for (id, label) in &file.labels {
                    out.insert(id.as_str(), label.get_ref().as_str());
                }
            }
        }
        out
    }

    /// The output folder: `out_dir`, relative to the project root unless absolute.
    pub fn out_dir(&self, out_dir: &Path) -> PathBuf {
        if out_dir.is_absolute() { out_dir.to_path_buf() } else { self.project.root.join(out_dir) }
    }

    /// The file name of an edition: `<output>.<lang>[.print|.screen][.draft].pdf`
    /// (a draft never takes a release's name).
    pub fn output_name(&self, lang: &str, profile: Profile, draft: bool) -> String {
        let draft = if draft { ".draft" } else { "" };
        format!("{}.{lang}{}{draft}.pdf", self.project.file.project.output.get_ref(), profile.suffix())
    }

    /// The output path of an edition (see [`Session::output_name`]).
    pub fn output_path(&self, out_dir: &Path, lang: &str, profile: Profile, draft: bool) -> PathBuf {
        self.out_dir(out_dir).join(self.output_name(lang, profile, draft))
    }

    /// The file name of the indicators' CSV written beside the PDFs:
    /// `<output>.indicators[.draft].csv`.
    pub fn indicators_csv_name(&self, draft: bool) -> String {
        let draft = if draft { ".draft" } else { "" };
        format!("{}.indicators{draft}.csv", self.project.file.project.output)
    }

    /// The path of the indicators' CSV (see [`Session::indicators_csv_name`]).
    pub fn indicators_csv_path(&self, out_dir: &Path, draft: bool) -> PathBuf {
        self.out_dir(out_dir).join(self.indicators_csv_name(draft))
    }

    /// What a compile is, for the messages of the limits.
    fn running(&self, lang: &str) -> String {
        format!("the {lang} edition ({})", self.project.file.project.template.get_ref())
    }
}

/// Reads the fonts of the project at `root` (watch keeps them across
/// rebuilds, and keeps their faces: see [`Fonts::keeping`]).
pub fn load_fonts(root: &Path, system: bool) -> Result<Fonts, Diag> {
    let fail = |e: std::io::Error| {
        Diag::general(format!("cannot read fonts from {}: {e}", root.join("fonts").display()))
            .with_hint("the project's fonts live in fonts/")
    };
    let root = crate::files::Root::open(root).map_err(fail)?;
    Fonts::scan_in(&root, Path::new("fonts"), system).map_err(fail)
}

/// A project's data, validated once for all editions.
pub struct Data<'a> {
    /// The project.
    pub session: &'a Session,
    /// The fonts, shared by every edition.
    pub fonts: Arc<Fonts>,
    /// Indicators, panels and charts by id.
    pub index: Index<'a>,
    /// Problems found so far (loading and validation).
    pub diags: Vec<Diag>,
}

/// Texts of an edition: translated and current, in all, and stale
/// (a source-language edition has them all translated).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Translated {
    /// Translated and current.
    pub done: usize,
    /// In all.
    pub total: usize,
    /// Translated, but their source has changed since.
    pub stale: usize,
}

/// One edition resolved: the document and the virtual files it needs.
pub struct Resolved {
    /// The language.
    pub lang: String,
    /// `/data.json`, `/data/chapter-NN.json` and `/charts/*.svg`.
    pub files: HashMap<String, Vec<u8>>,
    /// How much of its text is translated.
    pub translated: Translated,
    /// Where the document's texts come from, to locate typst's complaints about them.
    pub map: crate::data::source_map::SourceMap,
    /// Problems in the edition's data and text.
    pub diags: Vec<Diag>,
    /// Every label as the edition prints it (its language's, else the
    /// source language's), placeholders filled, by key.
    pub labels: BTreeMap<String, String>,
    /// Milliseconds spent resolving.
    pub ms: u128,
    /// The indicators the edition prints and needs a newer value of.
    pub needing: std::collections::BTreeSet<String>,
}

/// An edition laid out and exported (successfully or not: see `pdf`).
pub struct CompiledEdition {
    /// The PDF, if typst compiled and exported it without errors.
    pub pdf: Option<Vec<u8>>,
    /// Number of pages.
    pub pages: usize,
    /// Milliseconds spent in typst's compilation (layout) and in PDF export.
    pub timings: (u128, u128),
    /// How many rounds typst's first layout took to settle (it lays a
    /// document out again until what it asked of the layout before holds).
    pub rounds: usize,
    /// Typst's complaints about the templates, located in them.
    pub typst: Vec<Diag>,
    /// The templates' texts, for those complaints.
    pub typst_sources: Sources,
    /// Typst's complaints about content, placed at the text or data file that produced it.
    pub placed: Vec<Diag>,
    /// The chapters copyfitting set tighter: id and steps.
    pub tightened: Vec<(String, u8)>,
    /// Whether that choice was remembered from an earlier build (its inputs
    /// unchanged), so the edition was laid out once.
    pub recalled: bool,
}

impl CompiledEdition {
    /// Whether anything stopped the PDF (typst's errors or misplaced content).
    pub fn failed(&self) -> bool {
        self.pdf.is_none() || self.typst.iter().any(Diag::is_error) || self.placed.iter().any(Diag::is_error)
    }
}

/// What became of one edition.
pub enum Outcome {
    /// Problems in its data or text: not compiled.
    Failed,
    /// A problem that stops the whole command, with its exit status.
    Fatal(Diag, ExitStatus),
    /// Compiled.
    Compiled(Box<CompiledEdition>),
    /// Given up, as [`EditionOptions::stop`] asked: nothing to write.
    Stopped,
}

/// One edition, resolved and compiled.
pub struct Edition {
    /// Resolving: its problems, translation counts and timing.
    pub resolved: Resolved,
    /// Where the Typst sources were written (`--emit-typst`).
    pub emitted: Option<PathBuf>,
    /// What became of it.
    pub outcome: Outcome,
    /// Seconds from start to PDF.
    pub secs: f64,
}

impl Data<'_> {
    /// The source language's labels, chapter titles and citations for the
    /// indicators CSV, placeholders filled for the edition.
    pub fn source_words(&self) -> resolve::SourceWords {
        self.words(self.session.project.source_language())
    }

    /// A language's labels, chapter titles and citations, placeholders filled for the edition.
    pub fn words(&self, lang: &str) -> resolve::SourceWords {
        let p = self.session;
        resolve::source_words(&p.project, &p.loaded, &self.index, &p.sources, &p.locale(lang))
    }

    /// Whether the data passed validation.
    pub fn ok(&self) -> bool {
        !self.diags.iter().any(Diag::is_error)
    }

    /// Each indicator's rating and each goal's tile.
    pub fn dashboard(&self) -> Dashboard<'_> {
        status::dashboard(&self.index)
    }

    /// Resolves and compiles one edition (steps 3 and 4).
    pub fn edition(&self, lang: &str, opts: &EditionOptions) -> Edition {
        let t0 = Instant::now();
        let mut resolved = self.resolve(lang, opts);
        let done =
            |resolved, emitted, outcome| Edition { resolved, emitted, outcome, secs: t0.elapsed().as_secs_f64() };
        if resolved.diags.iter().any(Diag::is_error) {
            return done(resolved, None, Outcome::Failed);
        }
        if opts.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
            return done(resolved, None, Outcome::Stopped);
        }
        // The Typst sources are written as compiled: with the copyfitting
        // vlr chose (a chapter's `tighten`), so the typst CLI makes the same book.
        let kept = opts.emit_typst.as_ref().map(|_| resolved.files.clone());
        let files = std::mem::take(&mut resolved.files);
        let fit = match &opts.fit_as {
            Some(set) => Fit::As(set.get(lang).map_or(&[][..], Vec::as_slice)),
            None => Fit::Full,
        };
        let remembered = match (&opts.fit_cache, fit) {
            (Some(cache), Fit::Full) => Some(cache.as_ref()),
            _ => None,
        };
        let last = opts.last_layouts.as_deref().map(|l| (l, opts.from_last));
        let how = Fitting {
            fit,
            keep_caches: opts.keep_caches,
            at_once: opts.at_once,
            remembered,
            draft: opts.draft,
            stop: opts.stop.as_deref(),
            last,
            parsed: opts.parsed.as_ref(),
        };
        let (outcome, fitted) = self.compile(&resolved.lang, files, &resolved.map, opts.profile, how);
        if let (Some(dir), Some(mut files)) = (&opts.emit_typst, kept) {
            files.extend(fitted);
            resolved.files = files;
            let emitted = emit_typst(self.session, dir, &resolved);
            resolved.files = HashMap::new();
            return match emitted {
                Ok(at) => done(resolved, Some(at), outcome),
                Err(e) => {
                    let d = Diag::general(format!("cannot write {}: {e}", dir.display()));
                    done(resolved, None, Outcome::Fatal(d, ExitStatus::Usage))
                }
            };
        }
        done(resolved, None, outcome)
    }

    /// Lays an edition out from its resolved files and exports it (step 4),
    /// under the time limit, copyfitted as `fit` says. Also gives the files
    /// copyfitting changed.
    pub fn compile(
        &self,
        lang: &str,
        files: HashMap<String, Vec<u8>>,
        map: &crate::data::source_map::SourceMap,
        profile: Profile,
        how: Fitting<'_>,
    ) -> (Outcome, Vec<(String, Vec<u8>)>) {
        let Fitting { fit, keep_caches, at_once, remembered, draft, stop, last, parsed } = how;
        let p = self.session;
        let slot = fit_cache::slot(lang, profile, draft);
        let key =
            remembered.map(|_| fit_cache::key(&files, self.fonts.fingerprint(), &format!("{slot} {:?}", self.today())));
        let mut world = match self.world(files) {
            Ok(w) => w.with_parsed(parsed.cloned()),
            Err(e) => return (Outcome::Fatal(Diag::general(e), ExitStatus::Problems), Vec::new()),
        };
        // Copyfitting's choice for these very inputs, remembered from a build before.
        // A step past the theme's floor is not one vlr chose (the lock was
        // edited by hand): searched again instead.
        let most = p.theme.as_ref().ok().and_then(|t| t.copyfit).map_or(0, |cf| cf.steps);
        let recalled = remembered
            .zip(key)
            .and_then(|(c, k)| c.lookup(&slot, k, &world))
            .filter(|chosen| chosen.iter().all(|(_, steps)| *steps <= most));
        let fit = match &recalled {
            Some(chapters) => Fit::As(chapters),
            None => fit,
        };
        let copyfit = match fit {
            Fit::Full => p.theme.as_ref().ok().and_then(|t| t.copyfit),
            Fit::No | Fit::As(_) => None,
        };
        let preset = match fit {
            Fit::As(chapters) => fit::apply(&mut world, chapters),
            Fit::No | Fit::Full => fit::Choice::default(),
        };
        let from = last.filter(|(_, from)| *from).and_then(|(l, _)| l.get(&slot));
        let running = crate::guard::Running::start(p.running(lang), p.project.time_limit());
        let lean = (!keep_caches).then_some(at_once.max(1));
        let how = Run { copyfit, lean, stop, from: from.as_deref() };
        let Some((mut compiled, mut fitted)) = compile(&mut world, p, lang, profile, how) else {
            return (Outcome::Stopped, Vec::new());
        };
        // A face read again from a font file changed since the scan was not
        // set: the pages would be in another font.
        if let Some(path) = self.fonts.changed().first() {
            let diag = Diag::error(path.clone(), None, "this font file changed while the book was made")
                .with_hint("build again: the fonts are read afresh");
            return (Outcome::Fatal(diag, ExitStatus::Problems), Vec::new());
        }
        if let (Some((l, _)), Some(layout)) = (last, compiled.layout.take()) {
            l.keep(&slot, layout);
        }
        if copyfit.is_none() {
            fitted = preset;
        }
        if let (Some(cache), Some(key), None, Some(_)) = (remembered, key, &recalled, &compiled.pdf) {
            cache.store(&slot, key, &world, &fitted.tightened);
        }
        drop(running);
        let (left, placed) =
            crate::sourcemap::relocate(std::mem::take(&mut compiled.diagnostics), map, &p.sources, lang);
        // Typst's complaints become located diagnostics now, so the world,
        // with its files and its document, is freed as soon as the PDF is made.
        let (typst, typst_sources) = world.diagnostics(&left);
        let Compiled { pdf, pages, timings, rounds, .. } = compiled;
        let fit::Choice { files, tightened } = fitted;
        let ed = CompiledEdition {
            pdf,
            pages,
            timings,
            rounds,
            typst,
            typst_sources,
            placed,
            tightened,
            recalled: recalled.is_some(),
        };
        (Outcome::Compiled(Box::new(ed)), files)
    }

    /// The date the templates see as today: the publication date, else 1
    /// January after the edition's year.
    fn today(&self) -> (i32, u8, u8) {
        let p = &self.session.project;
        p.published().unwrap_or((p.file.project.edition.get_ref() + 1, 1, 1))
    }

    /// Creates the world for an edition.
    pub fn world(&self, files: HashMap<String, Vec<u8>>) -> Result<VlrWorld, String> {
        let p = &self.session.project;
        let today = self.today();
        VlrWorld::new(&p.root, p.file.project.template.get_ref(), self.fonts.clone(), files, today)
    }

    /// Resolves an edition (step 3): the document handed to the templates
    /// and its charts, as virtual files. Charts are drawn only from data that
    /// passed validation; otherwise only the text is checked.
    pub fn resolve(&self, lang: &str, opts: &EditionOptions) -> Resolved {
        let t0 = Instant::now();
        let p = self.session;
        let mut diags = Vec::new();
        // The edition's locale, built once and passed down.
        let locale = p.locale(lang);
        let data_ok = self.ok();
        if data_ok {
            check_units(&self.index, &locale, &mut diags);
        }
        let options = ResolveOptions { locale: &locale, draft: opts.draft, profile: opts.profile.name() };
        let (mut doc, mut chapters, map, words) =
            resolve::resolve(&p.project, &p.loaded, &self.index, &p.sources, options, &mut diags);
        let mut files = HashMap::new();
        // Data that passed validation have a theme (validation reports a theme that failed).
        if data_ok && let Ok(theme) = &p.theme {
            charts::register_fonts(&self.fonts, [theme.charts.font(locale.script)]);
            doc.figures = figures(p, theme, &self.index, &words, &locale, &mut files, &mut diags);
            number_figures(p, &self.index, &doc.figures, &mut chapters);
        }
        let translated = Translated::from(doc.translation);
        // One file per chapter, so an edit to one chapter leaves typst's cached
        // work on the others valid (watch mode); /data.json lists them.
        for (at, ch) in doc.chapters.iter().zip(&chapters) {
            files.insert(at.file.clone(), document::to_json(ch));
        }
        let printed: Vec<&[u8]> = doc.chapters.iter().filter_map(|at| files.get(&at.file)).map(Vec::as_slice).collect();
        resolve::used_acronyms(&mut doc, printed.into_iter(), &words.charts, &p.loaded, &mut diags);
        files.insert("/data.json".into(), document::to_json(&doc));
        let (needing, labels) = (words.needing, words.labels);
        Resolved {
            lang: lang.to_string(),
            files,
            translated,
            map,
            diags,
            labels,
            ms: t0.elapsed().as_millis(),
            needing,
        }
    }
}

/// Draws an edition's charts into `files` (`/charts/<id>.svg`); returns what
/// the templates need of each figure (title, alt text, note, callout).
fn figures(
    p: &Session,
    theme: &Theme,
    idx: &Index,
    words: &resolve::Words,
    locale: &crate::i18n::Locale,
    files: &mut HashMap<String, Vec<u8>>,
    diags: &mut Vec<Diag>,
) -> BTreeMap<String, Figure> {
    let lang = locale.lang.as_str();
    let mut figures = BTreeMap::new();
    let strings = &locale.strings;
    let accents = chart_accents(p, theme);
    for (path, spec) in &idx.charts {
        let id = spec.id.get_ref();
        let text = words.charts.get(id);
        if text.is_none() {
            diags.push(Diag::error(
                *path,
                Some(spec.id.span()),
                format!("chart `{id}` has no [charts.{id}] text in text/{lang}/"),
            ));
        }
        let label = |id: &str| words.labels.get(id).cloned().unwrap_or_else(|| id.to_string());
        let prepared = charts::prepare(idx, spec, text, locale, &label);
        let title = crate::data::typography::apply_str(locale, text.map_or(id, |t| &t.title));
        match charts::render(&prepared, locale, &theme.charts, accents.get(id.as_str()).copied()) {
            Ok(svg) => {
                files.insert(format!("/charts/{id}.svg"), svg.into_bytes());
            }
            Err(e) => diags.push(Diag::error(*path, Some(spec.id.span()), format!("cannot draw chart `{id}`: {e}"))),
        }
        let alt = charts::alt_text(&prepared, &title, locale);
        let mut note = text.and_then(|t| t.note.clone()).unwrap_or_default();
        // Values that are not final, said in the note, each with its series
        // ("Growth of regional GDP (2021): estimated").
        for (status, id, periods) in crate::data::chart_spec::not_final(idx, spec) {
            let m = &strings.marks;
            let name = match status {
                crate::data::series::ValueStatus::Estimated => &m.estimated_name,
                _ => &m.provisional_name,
            };
            let list: Vec<&str> = periods.iter().map(|p| p.label.as_str()).collect();
            let when = strings.as_of.replace("{period}", &list.join(&locale.comma));
            let said = format!("{}{when}{}{name}", label(&id), locale.colon);
            note = format!("{note} {said}").trim().to_string();
        }
        if !prepared.dropped.is_empty() {
            note = format!("{note} {}", strings.incomplete).trim().to_string();
        }
        // One or two values make a key-figure callout, not a chart; a chart of
        // few points is small (half the text block wide, paired with the next).
        let points: Vec<(usize, usize, f64)> = prepared
            .series
            .iter()
            .enumerate()
            .flat_map(|(si, (_, vals))| vals.iter().enumerate().filter_map(move |(ci, v)| v.map(|v| (si, ci, v))))
            .collect();
        // A chart of periods with a missing one stays a chart, so the gap
        // shows, unless one value is all there is: a chart of one bar and
        // empty years is a callout, noted as incomplete.
        let gaps = prepared.by_period && prepared.series.iter().any(|(_, vals)| vals.iter().any(Option::is_none));
        let few = points.len() == 1 || (points.len() == 2 && !gaps);
        if few && gaps && prepared.dropped.is_empty() {
            note = format!("{note} {}", strings.incomplete).trim().to_string();
        }
        let callout = (few && prepared.lines.is_empty()).then(|| {
            points
                .iter()
                .map(|&(si, ci, v)| {
                    let decimals = prepared.decimals.get(si).and_then(|d| d.get(ci)).copied().flatten();
                    let value = locale.figure(crate::i18n::format::Figure {
                        value: v,
                        unit: &prepared.unit,
                        decimals,
                        place: None,
                    });
                    let cat = prepared.categories.get(ci).cloned().unwrap_or_default();
                    let label =
                        if prepared.series.len() > 1 { format!("{}, {cat}", prepared.series[si].0) } else { cat };
                    Callout { value, label }
                })
                .collect::<Vec<_>>()
        });
        let small = charts::is_small(&prepared);
        figures.insert(id.clone(), Figure { title, alt, note, path: format!("/charts/{id}.svg"), callout, small });
    }
    figures
}

/// Reports each unit the edition's language cannot word, at the data file that uses it.
fn check_units(idx: &resolve::Index, locale: &crate::i18n::Locale, diags: &mut Vec<Diag>) {
    let mut seen = std::collections::HashSet::new();
    let mut ids: Vec<_> = idx.indicators.values().map(|i| (i.path, &i.spec.unit)).collect();
    ids.sort_by_key(|(p, u)| (p.to_path_buf(), u.span().start));
    let chart_units = idx.charts.iter().filter_map(|(p, c)| Some((*p, c.unit.as_ref()?)));
    for (path, unit) in ids.into_iter().chain(chart_units) {
        if let Err(e) = locale.can_print(unit.get_ref())
            && seen.insert(unit.get_ref().clone())
        {
            diags.push(Diag::error(path, Some(unit.span()), e));
        }
    }
}

impl From<Translation> for Translated {
    fn from(t: Translation) -> Self {
        Translated { done: t.total.saturating_sub(t.missing + t.stale), total: t.total, stale: t.stale }
    }
}

/// Numbers the figures in the book's sequence once it is known which charts
/// are drawn: a chart printed as a key-figure callout (one or two values) is
/// not a figure, so it has no number and the figures after it close up. A
/// callout whose values are all shown by a key-figure panel of its own
/// chapter (the same indicators, at the edition), or printed by the text of
/// its own section, is left out: it would print the same numbers twice on
/// one spread.
fn number_figures(p: &Session, idx: &Index, figures: &BTreeMap<String, Figure>, chapters: &mut [document::Chapter]) {
    let repeats = repeated_callouts(p, idx, figures);
    let mut n = 0;
    for ch in chapters {
        let id = ch.id.as_str();
        ch.blocks.retain(
            |b| !matches!(&b.block, document::Block::Figure(f) if repeats.contains(&(id.to_string(), f.chart.clone()))),
        );
        for b in &mut ch.blocks {
            if let document::Block::Figure(f) = &mut b.block {
                f.number = if figures.get(&f.chart).is_some_and(|x| x.callout.is_some()) {
                    None
                } else {
                    n += 1;
                    Some(n)
                };
            }
        }
    }
}

/// The (chapter, chart) pairs of callouts that only repeat what their
/// chapter prints: every value of the chart is an indicator's edition value
/// (no `@period`) that one of the chapter's key-figure panels shows, or that
/// the text of the callout's own section (from one level-2 heading to the
/// next) prints (`{id}`). Decided on the source language's text, so every
/// edition drops the same callouts.
fn repeated_callouts(p: &Session, idx: &Index, figures: &BTreeMap<String, Figure>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(texts) = p.loaded.texts.get(p.project.source_language()) else { return out };
    for (id, (_, text)) in &texts.chapters {
        let shown: std::collections::HashSet<&str> = text
            .block
            .iter()
            .filter_map(|b| b.panel.as_ref())
            .filter_map(|pid| idx.panels.get(pid.get_ref().as_str()))
            .flat_map(|(_, panel)| panel.items.iter().map(|i| i.get_ref().as_str()))
            .collect();
        // The chapter's sections: its blocks from one level-2 heading to the next.
        let mut sections: Vec<Vec<&crate::data::model::Block>> = vec![Vec::new()];
        for b in &text.block {
            if b.h.is_some() {
                sections.push(Vec::new());
            }
            sections.last_mut().expect("one section at least").push(b);
        }
        for section in &sections {
            // The values the section's text prints: (indicator, period), no
            // period for the edition's (`{id}`).
            let printed: std::collections::HashSet<(String, Option<String>)> = section
                .iter()
                .flat_map(|b| b.p.iter().chain(b.list.iter().flatten()))
                .flat_map(|t| printed_values(t.get_ref()))
                .collect();
            for fig in section.iter().filter_map(|b| b.figure.as_ref()).map(|f| f.get_ref()) {
                let Some(callout) = figures.get(fig).and_then(|f| f.callout.as_ref()) else { continue };
                let Some((_, spec)) = idx.charts.iter().find(|(_, c)| c.id.get_ref() == fig) else { continue };
                let values: Vec<&str> = spec
                    .series
                    .iter()
                    .flat_map(|s| &s.values)
                    .map(|v| v.get_ref().as_str())
                    .filter(|v| !v.is_empty())
                    .collect();
                // `id` (the edition's value) or `id@2015`, printed as the text
                // writes it (the period as written, `{id@2015}`).
                let said_at = |id: &str, period: Option<&str>| {
                    printed.contains(&(id.to_string(), period.map(str::to_string)))
                        || (period.is_none() && shown.contains(id))
                };
                let repeats = if spec.indicators.is_empty() {
                    // A chart of values named one by one.
                    !values.is_empty()
                        && values.iter().all(|v| match v.split_once('@') {
                            Some((id, period)) => said_at(id, Some(period)),
                            None => said_at(v, None),
                        })
                } else {
                    // A chart of indicators' periods: each value it shows
                    // (each period with a value) printed, the latest up to
                    // the edition as `{id}` or with its period.
                    let periods = crate::data::chart_spec::periods(idx, spec);
                    let mut shown_values = 0;
                    let all = spec.indicators.iter().all(|i| {
                        let Some(ind) = idx.indicators.get(i.get_ref().as_str()) else { return false };
                        let latest = ind.series.latest_until(idx.edition).map(|(p, _)| p.clone());
                        periods.iter().filter(|p| ind.series.at(p).is_some_and(|pt| pt.value.is_some())).all(|p| {
                            shown_values += 1;
                            said_at(i.get_ref(), Some(&p.label))
                                || (latest.as_ref() == Some(p) && said_at(i.get_ref(), None))
                        })
                    });
                    all && shown_values == callout.len()
                };
                if repeats {
                    out.push((id.clone(), fig.clone()));
                }
            }
        }
    }
    out
}

/// The values a text prints: its `{id}` and `{id@2015}` placeholders, as
/// (indicator, period as written) (not a period, a change or a target).
fn printed_values(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(k) = text[pos..].find('{') {
        let at = pos + k;
        if text[at..].starts_with("{{") {
            pos = at + 2;
            continue;
        }
        let Some(len) = crate::data::markup::placeholder_len(&text[at..]) else { break };
        if let Ok((id, period, crate::data::markup::Form::Value)) =
            crate::data::markup::parse_placeholder(&text[at + 1..at + len - 1])
        {
            out.push((id, period));
        }
        pos = at + len;
    }
    out
}

/// Each chart drawn in the colour of the first goal of the chapter showing it.
fn chart_accents<'a>(p: &'a Session, theme: &Theme) -> HashMap<&'a str, Colour> {
    let mut out = HashMap::new();
    let Some(texts) = p.loaded.texts.get(p.project.source_language()) else { return out };
    for ch in &p.project.file.chapter {
        let Some(goal) = ch.goals.first().map(|g| usize::from(*g.get_ref())) else { continue };
        let Some(colour) = theme.goal_colour(goal) else { continue };
        if let Some((_, text)) = texts.chapters.get(ch.id.get_ref()) {
            for b in &text.block {
                if let Some(fig) = &b.figure {
                    out.insert(fig.get_ref().as_str(), colour);
                }
            }
        }
    }
    out
}

/// Typst's result for one edition.
pub struct Compiled {
    /// The PDF bytes, if compilation and export succeeded.
    pub pdf: Option<Vec<u8>>,
    /// Typst's errors and warnings.
    pub diagnostics: Vec<SourceDiagnostic>,
    /// Number of pages.
    pub pages: usize,
    /// Milliseconds spent in typst's compilation (layout) and in PDF export.
    pub timings: (u128, u128),
    /// How many rounds typst's first layout of the edition took to settle
    /// (with those of a layout from its last one that did not settle).
    pub rounds: usize,
    /// What the layout exported knows of itself (pages, positions,
    /// counters): where the next layout of the edition may start from.
    pub layout: Option<Arc<PagedIntrospector>>,
}

/// How [`compile`] lays an edition out.
struct Run<'a> {
    /// Copyfitted, as theme.toml's `[copyfit]` says, or not.
    copyfit: Option<Copyfit>,
    /// Let go of typst's memoized work between copyfitting's trials, or
    /// between the rounds of a layout that is not copyfitted, aged this many
    /// evictions; `None`: keep it (`vlr watch`).
    lean: Option<usize>,
    /// Give up, at the end of typst's current round, once this is set.
    stop: Option<&'a AtomicBool>,
    /// Start the first layout from this earlier one (see [`relayout`]).
    from: Option<&'a PagedIntrospector>,
}

/// Lets go of what typst memoized for an edition, and gives the memory back
/// to the system: of no use to the next edition, in another language, and
/// kept it piles up (six editions in `vlr build` held 620 MB, in `vlr check`
/// 1.7 GB). Called after each edition by the commands that make several;
/// not by `vlr watch`, which lays the same edition out again from it. The
/// editions share only the templates and fonts, soon memoized again.
pub fn free_edition_caches() {
    free_caches(0);
}

/// Lets go of what typst memoized and has not used in the last `max_age`
/// evictions (see `comemo::evict`), and gives the memory back to the system.
pub fn free_caches(max_age: usize) {
    comemo::evict(max_age);
    crate::guard::give_back();
}

/// An edition laid out.
pub struct Laid {
    /// The document, if there were no errors.
    pub doc: Option<PagedDocument>,
    /// typst's warnings and errors.
    pub diagnostics: Vec<SourceDiagnostic>,
    /// How many rounds typst took to settle (see [`relayout`]).
    pub rounds: usize,
    /// Whether it settled: if not, typst warned, and where things are (the
    /// page a contents entry gives, where a chapter ends) may not hold.
    pub settled: bool,
}

/// A layout or copyfitting gave up: its `stop` was set.
#[derive(Debug)]
pub struct Stopped;

/// Lays an edition out, its first round reading `seed`, an earlier layout
/// of it, instead of nothing (see [`relayout`]); again from nothing if it
/// does not settle from there (see [`relayout::MOST_ROUNDS`]). Gives up between two
/// rounds once `stop` is set. `lean`: lets go of typst's memoized work
/// between rounds, aged that many evictions (see [`relayout::relayout`]).
pub fn layout(
    world: &VlrWorld,
    seed: Option<&PagedIntrospector>,
    stop: Option<&AtomicBool>,
    lean: Option<usize>,
) -> Result<Laid, Stopped> {
    let mut relaid = relayout::relayout(world, seed, stop, lean).ok_or(Stopped)?;
    let mut rounds = relaid.rounds;
    if seed.is_some() && !relaid.settled {
        // Started from the last layout, it did not settle where one from
        // nothing may (see [`relayout`]): typst's warnings would be about
        // where it started, and its document may contradict itself.
        relaid = relayout::relayout(world, None, stop, lean).ok_or(Stopped)?;
        rounds += relaid.rounds;
    }
    let relayout::Relaid { result: output, warnings: mut diagnostics, settled, .. } = relaid;
    let doc = match output {
        Ok(doc) => Some(doc),
        Err(errors) => {
            diagnostics.extend(errors.iter().cloned());
            None
        }
    };
    Ok(Laid { doc, diagnostics, rounds, settled })
}

/// Compiles an edition in a world, copyfits it if asked, and exports it;
/// also gives what copyfitting chose. `None`: `stop` was set while laying it
/// out or copyfitting.
fn compile(
    world: &mut VlrWorld,
    p: &Session,
    lang: &str,
    profile: Profile,
    how: Run<'_>,
) -> Option<(Compiled, fit::Choice)> {
    let Run { copyfit, lean, stop, from } = how;
    let t0 = std::time::Instant::now();
    // Between rounds only in a layout that is the last: copyfitting's trials
    // reuse the first rounds of the layout before them (evicted, a search
    // took 65% longer).
    let rounds_lean = if copyfit.is_none() { lean } else { None };
    let Ok(Laid { mut doc, mut diagnostics, rounds, .. }) = layout(world, from, stop, rounds_lean) else { return None };
    let mut fitted = fit::Choice::default();
    if let (Some(cf), Some(first)) = (copyfit, &doc) {
        match fit::copyfit(world, first, cf, lean, stop) {
            Ok(Some(f)) => (doc, diagnostics, fitted) = (Some(f.doc), f.diagnostics, f.choice),
            Ok(None) => {}
            Err(Stopped) => return None,
        }
    }
    let layout_ms = t0.elapsed().as_millis();
    let Some(doc) = doc else {
        let timings = (layout_ms, 0);
        return Some((Compiled { pdf: None, diagnostics, pages: 0, timings, rounds, layout: None }, fitted));
    };
    let meta = &p.project.file.project;
    let ident = format!("{}-{}-{}", meta.city, meta.edition.get_ref(), lang);
    let when = p.project.published().and_then(export::timestamp);
    let t1 = std::time::Instant::now();
    let result = export::pdf(&doc, profile, &ident, when);
    let timings = (layout_ms, t1.elapsed().as_millis());
    let pages = doc.pages().len();
    let layout = Some(doc.introspector().clone());
    let compiled = match result {
        Ok(pdf) => Compiled { pdf: Some(pdf), diagnostics, pages, timings, rounds, layout },
        Err(errors) => {
            diagnostics.extend(errors);
            Compiled { pdf: None, diagnostics, pages, timings, rounds, layout }
        }
    };
    Some((compiled, fitted))
}

/// Writes an edition as plain Typst sources the stock typst CLI compiles to the
/// same document: `<dir>/<lang>/` holds the templates, `data.json`, the charts
/// and the images, with the project's folder layout.
pub fn emit_typst(p: &Session, dir: &Path, ed: &Resolved) -> std::io::Result<PathBuf> {
    let out = dir.join(&ed.lang);
    let root = crate::files::Root::open(&p.project.root)?;
    for sub in ["templates", "images"] {
        if root.is_dir(Path::new(sub)) {
            copy_dir(&root, Path::new(sub), &out.join(sub), 0)?;
        }
    }
    for (virtual_path, bytes) in &ed.files {
        let path = out.join(virtual_path.trim_start_matches('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(out)
}

/// Copies a project folder: real folders (not followed through symlinks,
/// at most 16 deep) and regular files inside the project, read beneath its
/// handle (a symlink that leaves it, a FIFO or a device is skipped, as typst
/// would refuse it).
fn copy_dir(root: &crate::files::Root, from: &Path, to: &Path, depth: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for (name, is_dir) in root.entries(from)? {
        let path = from.join(&name);
        let target = to.join(&name);
        if is_dir {
            if depth < 16 {
                copy_dir(root, &path, &target, depth + 1)?;
            }
            continue;
        }
        if let Ok(bytes) = root.read(&path, crate::limits::MAX_TEMPLATE_FILE) {
            std::fs::write(&target, bytes)?;
        }
    }
    Ok(())
}
