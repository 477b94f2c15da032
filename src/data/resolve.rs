//! Validates the loaded data and text and resolves one language's edition
//! into the document the templates read as `/data.json`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::chart_spec::{self, ChartWords};
use super::citation::{Citation, citation};
use super::document::{self as doc, Chapter, ChapterFile, Document};
pub use super::index::index;
use super::indexed::Ind;
pub use super::indexed::Index;
use super::keyword::Keyword;
use super::load::{LangTexts, Loaded};
use super::markup::{self, Form, Placeholder, Run};
use super::model::{Block, BlockContent, PhotoSpec, TableSpec, TextFile};
use super::project_file::{ChapterKind, ChapterSpec, PROJECT_FILE, Project};
use super::series::{Period, ValueStatus, indicator_ref};
use super::source_map::SourceMap;
use super::years;
use crate::data::fingerprint::{self, Key, State, Status};
use crate::diag::{Diag, Severity, Sources};
use crate::i18n::{self, Locale, format};

mod generated;

/// Options for resolving an edition.
#[derive(Debug, Clone, Copy)]
pub struct ResolveOptions<'a> {
    /// The edition's locale.
    pub locale: &'a Locale,
    /// Fall back to the source language where text is missing, and mark it.
    pub draft: bool,
    /// The output profile's name, for the templates ([`Document::profile`]).
    pub profile: &'static str,
}

/// Text of a chapter in the edition's language, falling back where allowed.
struct ChapterText<'a> {
    master: (&'a Path, &'a TextFile),
    tr: Option<(&'a Path, &'a TextFile)>,
    by_id: HashMap<&'a str, &'a Block>,
}

/// Every citation by label (`{ label = "key" }`) needs the label in the source
/// language's text files (`labels`): each one missing is an error at the
/// citation. Checked once, with the data, for every edition.
pub fn check_citations(idx: &Index, labels: &BTreeMap<&str, &str>, diags: &mut Vec<Diag>) {
    let mut sources: Vec<(&Path, &toml::Spanned<toml::Value>)> = Vec::new();
    for ind in idx.indicators.values() {
        let spec = ind.spec;
        sources.extend(spec.source.iter().map(|s| (ind.path, s)));
        sources.extend(spec.target.iter().filter_map(|t| t.source.as_ref()).map(|s| (ind.path, s)));
        sources.extend(spec.thresholds.iter().map(|t| (ind.path, &t.get_ref().source)));
    }
    sources.extend(idx.charts.iter().filter_map(|(path, c)| c.source.as_ref().map(|s| (*path, s))));
    sources.sort_by_key(|(path, s)| (path.to_path_buf(), s.span().start));
    for (path, s) in sources {
        // A citation written out may name the edition (`Statistical Yearbook
        // {edition}`) or an indicator's period: its placeholders are checked here,
        // once, and filled per edition.
        if let Ok(Citation::Text(t)) = citation(s.get_ref())
            && t.contains(['{', '}'])
            && let Err(errors) = markup::fill(&t, |ph| known_placeholder(idx, ph).map(|()| (String::new(), None)))
        {
            for e in errors {
                diags.push(Diag::error(path, Some(s.span()), format!("in this source: {}", e.message)));
            }
        }
        if let Ok(Citation::Label(k)) = citation(s.get_ref())
            && !labels.contains_key(k.as_str())
        {
            diags.push(
                Diag::error(path, Some(s.span()), format!("the source's label `{k}` is in no text file")).with_hint(
                    format!("add `\"{k}\" = \"…\"` under [labels] in a chapter file of the source language"),
                ),
            );
        }
    }
}

/// Whether a placeholder names something that exists: an indicator, a chart
/// (`:range`) or the edition (`{edition}`, `{edition-1}`, `{published}`).
fn known_placeholder(idx: &Index, ph: &Placeholder) -> Result<(), String> {
    let id = ph.id.as_str();
    let edition = markup::is_reserved(id);
    match ph.form {
        Form::Range if idx.charts.iter().any(|(_, c)| c.id.get_ref() == id) => Ok(()),
        Form::Range => Err(format!("`{{{id}:range}}`: unknown chart `{id}`")),
        _ if edition || idx.indicators.contains_key(id) => Ok(()),
        _ => Err(format!("unknown indicator `{id}`")),
    }
}

/// Builds the edition's document, its chapters (listed in the document as
/// [`ChapterFile`]s) and the map of where its texts come from; problems go
/// to `diags`. The caller adds the figures, with the charts.
pub fn resolve(
    project: &Project,
    loaded: &Loaded,
    idx: &Index,
    sources: &Sources,
    opts: ResolveOptions,
    diags: &mut Vec<Diag>,
) -> (Document, Vec<Chapter>, SourceMap, Words) {
    let locale = opts.locale;
    let lang = locale.lang.as_str();
    let src = project.source_language();
    let mut r = Resolver::new(project, idx, sources, locale, opts.draft, diags);
    let empty = Default::default();
    let src_texts = loaded.texts.get(src).unwrap_or(&empty);
    let texts = loaded.texts.get(lang).unwrap_or(&empty);
    // Labels are plain fields: their placeholders are filled once, here.
    for (path, t) in src_texts.chapters.values() {
        for (k, v) in &t.labels {
            let filled = r.plain(path, v);
            r.src_labels.insert(k.clone(), (path.clone(), filled));
            r.raw_labels.insert((true, k.clone()), v.get_ref().clone());
        }
    }
    if lang != src {
        for (path, t) in texts.chapters.values() {
            for (k, v) in &t.labels {
                let filled = r.plain(path, v);
                r.labels.insert(k.clone(), (path.clone(), filled));
                r.raw_labels.insert((false, k.clone()), v.get_ref().clone());
            }
        }
    } else {
        r.labels = r.src_labels.clone();
        let own: Vec<_> = r.raw_labels.iter().map(|((_, k), v)| ((false, k.clone()), v.clone())).collect();
        r.raw_labels.extend(own);
    }
    r.src_lang = src.to_string();
    if lang != src {
        let order: Vec<String> = project.file.chapter.iter().map(|c| c.id.get_ref().clone()).collect();
        let statuses = fingerprint::status(src_texts, Some(texts), lang, &order, loaded.record.as_ref());
        r.report_translation(&statuses, src);
    }
    for (id, (mpath, master)) in &src_texts.chapters {
        let (path, t) = texts.chapters.get(id).map_or((mpath, master), |(p, t)| (p, t));
        let title = r.plain(path, &t.title);
        r.chapter_titles.insert(id.clone(), title);
    }
    let charts = r.chart_words(src_texts, texts);
    r.stale_years(if lang == src { src_texts } else { texts });
    r.doubts();
    let mut chapters = Vec::new();
    let levels = project.chapter_levels();
    let new_pages = project.chapter_new_pages();
    for ((spec, &level), &new_page) in project.file.chapter.iter().zip(&levels).zip(&new_pages) {
        r.level = level;
        r.new_page = new_page;
        let id = spec.id.get_ref();
        let generated = spec.kind() != ChapterKind::Text;
        let Some((mpath, master)) = src_texts.chapters.get(id) else {
            if generated {
                // The dashboard and the annex need no text file.
                chapters.push(r.generated(spec, None));
                continue;
            }
            r.diags.push(Diag::error(
                PROJECT_FILE,
                Some(spec.id.span()),
                format!("chapter `{id}` has no text: text/{src}/{id}.toml not found"),
            ));
            continue;
        };
        let tr = if lang == src {
            Some((mpath.as_path(), master))
        } else {
            texts.chapters.get(id).map(|(p, t)| (p.as_path(), t))
        };
        if tr.is_none() {
            r.missing(
                &Path::new("text").join(lang).join(format!("{id}.toml")),
                "the whole chapter (file not found)".into(),
            );
        }
        let by_id = tr
            .map(|(_, t)| t.block.iter().filter_map(|b| Some((b.id.as_ref()?.get_ref().as_str(), b))).collect())
            .unwrap_or_default();
        let ct = ChapterText { master: (mpath, master), tr, by_id };
        let ch = r.chapter(spec, &ct);
        chapters.push(if generated { r.generated(spec, Some(ch)) } else { ch });
    }
    let meta = r.meta(project, loaded, src);
    let strings = &locale.strings;
    let mut icons = r.sdg_icons(project);
    let goals =
        (0..17).map(|i| doc::Goal { n: i + 1, name: strings.goals.get(i).cloned(), icon: icons[i].take() }).collect();
    let map = std::mem::take(&mut r.map);
    let document = Document {
        lang: lang.to_string(),
        dir: if locale.rtl { "rtl" } else { "ltr" },
        typography: doc::Typography {
            rtl: locale.rtl,
            cjk: locale.cjk,
            colon: locale.colon.clone(),
            comma: locale.comma.clone(),
            semicolon: locale.semicolon.clone(),
            numbers: locale.numbers.clone(),
            script: locale.script,
            region: locale.region.clone(),
            hyphenation_cost: strings.typography.hyphenation_cost.unwrap_or(1.0),
            unhyphenated: strings.typography.unhyphenated.clone(),
            ltr_ranges: strings.typography.ltr_ranges,
        },
        draft: opts.draft,
        strings: strings.clone(),
        goals,
        meta,
        chapters: (0..chapters.len()).map(ChapterFile::at).collect(),
        translation: r.translation,
        figures: BTreeMap::new(),
        profile: opts.profile,
        symbols: std::mem::take(&mut r.symbols).into_iter().map(|(mark, name)| doc::Symbol { mark, name }).collect(),
    };
    let mut labels: BTreeMap<String, String> = r.src_labels.into_iter().map(|(k, (_, l))| (k, l)).collect();
    labels.extend(r.labels.into_iter().map(|(k, (_, l))| (k, l)));
    (document, chapters, map, Words { charts, labels, needing: r.stale })
}

/// How a value was written: its decimals and the place of its last digit
/// (see [`format::Figure`]).
type Written = (Option<u8>, Option<i8>);

/// A language's `meta.toml`, with its path.
fn texts_meta<'l>(loaded: &'l Loaded, lang: &str) -> Option<&'l (PathBuf, super::model::MetaText)> {
    loaded.texts.get(lang).and_then(|t| t.meta.as_ref())
}

/// Keeps in the acronym list only the acronyms the edition prints (in its
/// chapters, given as their JSON, chart texts, cover and imprint, and
/// interface words), so a translation never lists an acronym of another
/// language; each one left out is a warning at its entry.
pub fn used_acronyms<'c>(
    document: &mut Document,
    chapters: impl Iterator<Item = &'c [u8]>,
    charts: &BTreeMap<String, ChartWords>,
    loaded: &Loaded,
    diags: &mut Vec<Diag>,
) {
    let lang = document.lang.clone();
    let meta = texts_meta(loaded, &lang);
    // Interface words print too ("SDG" heads a column, "ЦУР" a chapter).
    let mut text = serde_json::to_string(&document.strings).unwrap_or_default();
    let Some(doc_meta) = document.meta.as_mut() else { return };
    if doc_meta.acronyms.is_empty() {
        return;
    }
    let listed = std::mem::take(&mut doc_meta.acronyms);
    for ch in chapters {
        text.push_str(&String::from_utf8_lossy(ch));
    }
    // The cover and imprint (not the keywords: metadata, never printed).
    let keywords = std::mem::take(&mut doc_meta.keywords);
    text.push_str(&serde_json::to_string(&*doc_meta).unwrap_or_default());
    doc_meta.keywords = keywords;
    for w in charts.values() {
        for t in std::iter::once(&w.title)
            .chain(w.categories.values())
            .chain(w.series.values())
            .chain(w.note.iter())
            .chain(w.axis.iter())
            .chain(w.references.values())
        {
            text.push('\n');
            text.push_str(t);
        }
    }
    for a in listed {
        if uses_word(&text, &a.short) {
            doc_meta.acronyms.push(a);
        } else if let Some((path, m)) = meta
            && let Some(entry) = m.acronyms.get(&a.short)
        {
            let msg = format!("`{}` is listed but the {lang} text never uses it: left out of the list", a.short);
            diags.push(Diag::warning(path, Some(entry.span()), msg).with_hint(
                "each language lists the acronyms its own text writes (ODD, PIB, ЦУР …); remove this entry or use the acronym",
            ));
        }
    }
}

/// Whether `text` holds `word` as a word of its own: not inside a longer
/// word of the same script ("SDG" is not in "SDGs"; "SDSN" is in "SDSN的").
fn uses_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let joins = |c: Option<char>| {
        c.is_some_and(
            |c| if word.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() && !c.is_ascii() },
        )
    };
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !joins(before) && !joins(after)
    })
}

/// A chart's texts in one language, with their file.
fn find_chart<'t>(t: &'t LangTexts, id: &str) -> Option<(&'t PathBuf, &'t super::model::ChartText)> {
    t.chapters.values().find_map(|(p, f)| Some((p, f.charts.get(id)?)))
}

/// The chart texts and labels of one edition, placeholders filled, for the charts.
pub struct Words {
    /// Each chart's texts, by chart id.
    pub charts: BTreeMap<String, ChartWords>,
    /// Every label, by key: the edition's language's, else the source language's.
    pub labels: BTreeMap<String, String>,
    /// The indicators the edition prints and needs a newer value of (what a
    /// release refuses and `vlr data request` asks for).
    pub needing: BTreeSet<String>,
}

struct Resolver<'a, 'd> {
    /// The goals the review treats in depth (its chapters' goals, in order).
    priority: Vec<u8>,
    idx: &'a Index<'a>,
    sources: &'a Sources,
    lang: &'a str,
    draft: bool,
    diags: &'d mut Vec<Diag>,
    labels: BTreeMap<String, (PathBuf, String)>,
    src_labels: BTreeMap<String, (PathBuf, String)>,
    figure_no: usize,
    table_no: usize,
    /// The translation's texts counted.
    translation: doc::Translation,
    /// Translations marked in a draft: (chapter, group) → the mark's note
    /// (`None`: the source language is shown).
    marks: HashMap<(String, Key), Option<String>>,
    root: &'a Path,
    /// Indicators reported as needing this edition's data (each once).
    stale: BTreeSet<String>,
    /// The edition's locale and its strings.
    locale: &'a Locale,
    strings: &'a i18n::Strings,
    /// Where each text of the document comes from.
    map: SourceMap,
    /// Each chapter's title in this edition, by id: a `section` may name a chapter.
    chapter_titles: HashMap<String, String>,
    /// The publication date (year, month, day), if the project gives one.
    published: Option<(i32, u8, u8)>,
    /// The indicators whose period the text being resolved prints (`{id:period}`):
    /// their values need no period after them.
    period_ids: HashSet<String>,
    /// The status mark of the figure the last placeholder printed, if not final.
    pending_status: Option<String>,
    /// The marks printed so far (mark, meaning): the legend.
    symbols: BTreeSet<(String, String)>,
    /// The outline level of the chapter being resolved (`Project::chapter_levels`).
    level: u8,
    /// Whether the chapter being resolved starts a new page (`Project::chapter_new_pages`).
    new_page: bool,
    /// The labels as written, markup and all, by (in the source language?, key):
    /// a citation by label is printed as runs.
    raw_labels: BTreeMap<(bool, String), String>,
    /// The source language.
    src_lang: String,
    /// The outline level of the last heading resolved in the chapter: a
    /// panel's title is a heading one level below it (as the templates set it).
    last_heading: u8,
}

impl<'a, 'd> Resolver<'a, 'd> {
    fn new(
        project: &'a Project,
        idx: &'a Index<'a>,
        sources: &'a Sources,
        locale: &'a Locale,
        draft: bool,
        diags: &'d mut Vec<Diag>,
    ) -> Self {
        let lang = locale.lang.as_str();
        Resolver {
            idx,
            sources,
            lang,
            draft,
            diags,
            labels: BTreeMap::new(),
            src_labels: BTreeMap::new(),
            figure_no: 0,
            table_no: 0,
            translation: doc::Translation::default(),
            marks: HashMap::new(),
            root: &project.root,
            stale: BTreeSet::new(),
            locale,
            strings: &locale.strings,
            map: SourceMap::default(),
            chapter_titles: HashMap::new(),
            published: project.published(),
            period_ids: HashSet::new(),
            pending_status: None,
            symbols: BTreeSet::new(),
            level: 1,
            new_page: false,
            raw_labels: BTreeMap::new(),
            src_lang: String::new(),
            last_heading: 1,
            priority: project.priority_goals(),
        }
    }
}

/// The source language's texts as the indicators CSV writes them:
/// labels, chapter titles and written-out citations, placeholders filled
/// for the edition (problems are reported by the editions themselves).
#[derive(Debug, Default)]
pub struct SourceWords {
    /// Labels by key.
    pub labels: BTreeMap<String, String>,
    /// Chapter titles by chapter id.
    pub chapters: BTreeMap<String, String>,
    /// Written-out citations holding placeholders: as written → filled.
    pub citations: BTreeMap<String, String>,
}

/// Fills a language's labels, chapter titles and citations (see
/// [`SourceWords`]); `locale` is the language's.
pub fn source_words(
    project: &Project,
    loaded: &Loaded,
    idx: &Index,
    sources: &Sources,
    locale: &Locale,
) -> SourceWords {
    let mut diags = Vec::new();
    let mut r = Resolver::new(project, idx, sources, locale, true, &mut diags);
    let mut out = SourceWords::default();
    let Some(texts) = loaded.texts.get(locale.lang.as_str()) else { return out };
    for (id, (path, t)) in &texts.chapters {
        out.chapters.insert(id.clone(), r.plain(path, &t.title));
        for (k, v) in &t.labels {
            out.labels.insert(k.clone(), r.plain(path, v));
        }
    }
    let specs = idx.indicators.values().map(|i| i.spec);
    let values = specs.flat_map(|s| {
        let target = s.target.as_ref().and_then(|t| t.source.as_ref());
        let thresholds = s.thresholds.as_ref().map(|t| &t.get_ref().source);
        s.source.iter().chain(target).chain(thresholds)
    });
    for v in values {
        if let Ok(Citation::Text(t)) = citation(v.get_ref())
            && t.contains('{')
        {
            let filled = markup::fill(&t, |ph| r.placeholder(ph)).unwrap_or_else(|_| t.clone());
            out.citations.insert(t, filled);
        }
    }
    out
}

/// What each placeholder in `texts` prints in `locale`'s edition, by the
/// placeholder as written: `{gdp}` → `1485.6亿元` for Chinese (what a
/// translator's tools show on its code). A placeholder that cannot print
/// (unknown, no data) is left out: the editions report it.
pub fn placeholder_words<'t>(
    project: &Project,
    idx: &Index,
    sources: &Sources,
    locale: &Locale,
    texts: impl IntoIterator<Item = &'t str>,
) -> HashMap<String, String> {
    let mut diags = Vec::new();
    let mut r = Resolver::new(project, idx, sources, locale, true, &mut diags);
    let mut out = HashMap::new();
    for text in texts {
        let _ = markup::fill(text, |ph| {
            let filled = r.placeholder(ph);
            if let (Ok((printed, _)), Some(whole)) = (&filled, text.get(ph.offset..ph.offset + ph.len)) {
                out.entry(whole.to_string()).or_insert_with(|| printed.clone());
            }
            filled
        });
    }
    out
}

/// ` (why)` for a missing value's reason, if one is given.
fn reason(why: Option<&str>) -> String {
    why.filter(|w| !w.is_empty()).map_or_else(String::new, |w| format!(" ({w})"))
}

impl Resolver<'_, '_> {
    /// Reports what a release cannot have: an error, or in a draft a warning.
    fn report(&mut self, d: Diag) {
        self.diags.push(if self.draft { Diag { severity: Severity::Warning, ..d } } else { d });
    }

    fn missing(&mut self, file: &Path, what: String) {
        let d = Diag::error(file, None, format!("missing translation: {what}"));
        let hint = "translate it, or build with --draft to fall back to the source language";
        self.report(if self.draft { d } else { d.with_hint(hint) });
    }

    /// Counts the translation's texts and reports every missing, incomplete,
    /// stale or unstamped one: errors, or in a draft warnings (and marks).
    fn report_translation(&mut self, statuses: &[Status], src: &str) {
        let lang = self.lang;
        // Translations without fingerprints (written before vlr recorded them)
        // are reported once per file, not one by one.
        let mut unstamped: Vec<(&Status, usize)> = Vec::new();
        for st in statuses.iter().filter(|s| s.state == State::Unstamped) {
            match unstamped.iter_mut().find(|(f, _)| f.file == st.file) {
                Some((_, n)) => *n += 1,
                None => unstamped.push((st, 1)),
            }
        }
        for (st, n) in unstamped {
            let source = Path::new("text").join(src).join(st.source_file());
            let (msg, key) = if n == 1 {
                let what = st.source.key.describe();
                (
                    format!("the translation of {what} records no fingerprint of its source (`src`): it may be stale"),
                    st.full_key(),
                )
            } else {
                let what = st.source.key.describe();
                let msg = format!(
                    "{n} translations in this file, from the {what} on, record no fingerprint of their source (`src`): they may be stale"
                );
                (msg, st.file.clone())
            };
            let d = Diag::error(&st.path, st.span(), msg).with_hint(format!(
                "if up to date with {}: `vlr translate stamp --lang {lang} {key}`; `--draft` builds with them marked",
                source.display()
            ));
            self.report(d);
        }
        for st in statuses {
            self.translation.total += 1;
            let what = st.source.key.describe();
            let key = (st.file.clone(), st.source.key.clone());
            let stamp = format!("vlr translate stamp --lang {lang} {}", st.full_key());
            let d = match &st.state {
                State::Current => continue,
                State::Missing => {
                    self.translation.missing += 1;
                    self.marks.insert(key, None);
                    // A missing file is reported once, as a whole.
                    if !st.file_exists {
                        continue;
                    }
                    Diag::error(&st.path, None, format!("missing translation: {what}"))
                        .with_hint("translate it, or build with --draft to fall back to the source language")
                }
                State::Incomplete(absent) => {
                    self.translation.missing += 1;
                    self.marks.insert(key, None);
                    let absent = absent.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
                    Diag::error(&st.path, st.span(), format!("missing translation: {what} has no {absent}"))
                        .with_hint("translate it, or build with --draft to fall back to the source language")
                }
                State::Unstamped => {
                    self.translation.stale += 1;
                    self.marks.insert(key, Some(self.strings.draft_stale.clone()));
                    continue;
                }
                State::Stale => {
                    self.translation.stale += 1;
                    self.marks.insert(key, Some(self.strings.draft_stale.clone()));
                    let source = Path::new("text").join(src).join(st.source_file());
                    Diag::error(
                        &st.path,
                        st.span(),
                        format!(
                            "stale translation: {what} {} translated from an earlier version of {}{}",
                            if matches!(st.source.key, Key::Chart(_) | Key::Meta) { "were" } else { "was" },
                            source.display(),
                            fingerprint::which_changed(st)
                        ),
                    )
                    .with_hint(format!("translate it anew (`vlr translate export --lang {lang}`), or if it is still right, `{stamp}`; `--draft` builds with it marked"))
                }
            };
            self.report(d);
        }
    }

    /// The draft mark of a translated text: `None` if it is current,
    /// `Some(None)` if the source language is shown, `Some(Some(note))` if stale.
    fn mark(&self, chapter: &str, key: Key) -> Option<Option<String>> {
        self.marks.get(&(chapter.to_string(), key)).cloned()
    }

    /// The draft mark of a label or chart text, whichever file holds it.
    fn mark_anywhere(&self, key: &Key) -> Option<Option<String>> {
        self.marks.iter().find(|((_, k), _)| k == key).map(|(_, m)| m.clone())
    }

    /// Reports an indicator without data for the edition's period: an error
    /// in a release build, a warning (and a mark on the page) in a draft.
    fn needs_data(&mut self, ind: &Ind) -> Option<String> {
        let edition = self.idx.edition;
        let (expected, latest) = ind.needs_data(edition)?;
        let id = ind.spec.id.get_ref();
        let mark = latest
            .map_or_else(|| self.strings.not_available.clone(), |p| self.strings.stale.replace("{period}", &p.label));
        if self.stale.insert(id.clone()) {
            let (path, span) = ind.loc();
            let have = latest.map_or_else(|| "no value".to_string(), |p| format!("the latest is {p}"));
            let lag = if ind.lag == 0 { String::new() } else { format!(", {} allowed by the reporting lag", ind.lag) };
            let d = Diag::error(
                path,
                Some(span),
                format!("indicator `{id}` needs data for {expected} (edition {edition}{lag}): {have}"),
            )
            .with_hint(format!("add `{expected} = …` to its `values`, or mark it `fixed = true` if it does not recur; `vlr build --draft` builds with the value marked"));
            self.report(d);
        }
        Some(mark)
    }

    /// The publication date as the edition writes it ("July 2021", "2021年7月").
    /// The review's suggested citation, from the project's facts: none
    /// without a publication date (the year is part of it). The pattern's
    /// `*{title}*` sets the title in italics (where the language's style
    /// has them); `{subtitle:lower-first}` in `citation-title` lower-cases the
    /// subtitle's first letter (French, Spanish, Russian after a colon).
    fn suggested_citation(
        &self,
        author: &str,
        publisher: Option<&str>,
        title: &str,
        subtitle: Option<&str>,
        link: Option<&str>,
    ) -> Option<Vec<Run>> {
        let (year, _, _) = self.published?;
        let w = &self.strings.imprint;
        Some(citation_runs(w, author, year, publisher, title, subtitle, link))
    }

    fn published_date(&self) -> Option<String> {
        self.published.map(|(y, mo, _)| {
            let month = self.strings.months.get(usize::from(mo).saturating_sub(1)).cloned().unwrap_or_default();
            self.strings.date.replace("{year}", &y.to_string()).replace("{month}", &month)
        })
    }

    /// What an edition placeholder prints (`{edition}`, `{edition-1}`,
    /// `{published}`), or `None` if `ph` is not one.
    fn edition_placeholder(&self, ph: &Placeholder) -> Option<Result<String, String>> {
        let name = ph.id.as_str();
        // `{2019}`: a year that is a fact of history, printed as written, which
        // the stale-year check leaves alone.
        if markup::is_year(name) && ph.form == Form::Value && ph.period.is_none() {
            return Some(Ok(name.to_string()));
        }
        let offset = match name {
            "edition" => Some(0),
            "published" => None,
            _ => {
                let (sign, n) = match (name.strip_prefix("edition-"), name.strip_prefix("edition+")) {
                    (Some(n), _) => (-1, n),
                    (_, Some(n)) => (1, n),
                    _ => return None,
                };
                match n.parse::<i32>() {
                    Ok(n) if n <= 100 => Some(sign * n),
                    _ => {
                        return Some(Err(format!(
                            "`{{{name}}}`: a year relative to the edition is `{{edition-1}}` or `{{edition+1}}` (at most 100 years)"
                        )));
                    }
                }
            }
        };
        if ph.form != Form::Value || ph.period.is_some() {
            return Some(Err(format!("`{{{name}}}` takes no period or form: it prints a year or a date")));
        }
        Some(match offset {
            Some(k) => Ok((self.idx.edition + k).to_string()),
            None => self.published_date().ok_or_else(|| {
                "`{published}` needs the publication date: set `published = 2021-07-01` under [project] in vlr.toml"
                    .into()
            }),
        })
    }

    /// A chart's first and last period with a value, as the edition writes a
    /// range: the period the chart shows ("2020" where the years before it
    /// are gaps, so the title stays true when the data fill them).
    fn chart_range(&self, id: &str) -> Result<String, String> {
        let Some((_, spec)) = self.idx.charts.iter().find(|(_, c)| c.id.get_ref() == id) else {
            return Err(format!("`{{{id}:range}}`: unknown chart `{id}` (`:range` is a chart's period range)"));
        };
        let mut axis = crate::data::chart_spec::periods(self.idx, spec);
        let valued = |p: &Period| {
            spec.indicators
                .iter()
                .filter_map(|i| self.idx.indicators.get(i.get_ref().as_str()))
                .any(|ind| ind.series.at(p).is_some_and(|pt| pt.value.is_some()))
        };
        if axis.iter().any(valued) {
            while axis.first().is_some_and(|p| !valued(p)) {
                axis.remove(0);
            }
            while axis.last().is_some_and(|p| !valued(p)) {
                axis.pop();
            }
        }
        match (axis.first(), axis.last()) {
            (Some(a), Some(b)) if a == b => Ok(a.label.clone()),
            (Some(a), Some(b)) => Ok(self.strings.range.replace("{from}", &a.label).replace("{to}", &b.label)),
            _ => Err(format!("chart `{id}` has no periods to print a range of")),
        }
    }

    /// Formats what a placeholder asks for.
    fn placeholder(&mut self, ph: &Placeholder) -> Result<(String, Option<String>), String> {
        if let Some(text) = self.edition_placeholder(ph) {
            return text.map(|t| (t, None));
        }
        if ph.form == Form::Range {
            return self.chart_range(&ph.id).map(|t| (t, None));
        }
        let idx = self.idx;
        let ind = idx.indicators.get(ph.id.as_str()).ok_or_else(|| format!("unknown indicator `{}`", ph.id))?;
        let locale = self.locale;
        let unit = ind.unit();
        let asked = match &ph.period {
            Some(p) => Some(Period::parse(p)?),
            None => None,
        };
        let example = ind.spec.example.then(|| self.strings.example.clone());
        // The point printed: the named period's, or the edition's (latest up to it).
        let point_at = |p: &Period| -> Result<(Period, f64, Written), String> {
            match ind.series.at(p) {
                Some(pt) => match pt.value {
                    Some(v) => Ok((p.clone(), v, (pt.decimals, pt.place))),
                    None => Err(format!("indicator `{}` is missing for {p}{}", ph.id, reason(pt.missing.as_deref()))),
                },
                None => Err(format!("indicator `{}` has no value for {p}", ph.id)),
            }
        };
        let current = || -> Result<(Period, f64, Written), String> {
            if let Some(why) = &ind.missing {
                return Err(format!("indicator `{}` is missing{}: the text cannot print it", ph.id, reason(Some(why))));
            }
            ind.current(idx.edition)
                .and_then(|(p, pt)| Some((p.clone(), pt.value?, (pt.decimals, pt.place))))
                .ok_or_else(|| format!("indicator `{}` has no value up to {}", ph.id, idx.edition))
        };
        let fig = |value: f64, (decimals, place): Written| format::Figure { value, unit, decimals, place };
        let (text, stale) = match &ph.form {
            Form::Value | Form::Number | Form::Period | Form::Plural(_) => {
                let (period, value, written) = match &asked {
                    Some(p) => point_at(p)?,
                    None => current()?,
                };
                let stale = if asked.is_none() { self.needs_data(ind) } else { None };
                let as_of = if asked.is_none() { self.as_of(ind, &period) } else { String::new() };
                if ph.form != Form::Period {
                    let status = ind.series.at(&period).map_or(ValueStatus::Final, |pt| pt.status);
                    self.pending_status = self.status_mark(status);
                }
                let text = match &ph.form {
                    Form::Value => locale.figure(fig(value, written)) + &as_of,
                    Form::Number => locale.figure_number(fig(value, written)) + &as_of,
                    Form::Period => period.label.clone(),
                    Form::Plural(branches) => {
                        let n = locale.figure_number(fig(value, written));
                        let cat = locale.plural(value, written.0);
                        let exact = branches
                            .iter()
                            .find(|(k, _)| k.strip_prefix('=').and_then(|n| n.parse::<f64>().ok()) == Some(value));
                        let chosen = exact
                            .or_else(|| branches.iter().find(|(k, _)| k == cat))
                            .or_else(|| branches.iter().find(|(k, _)| k == "other"))
                            .map_or("#", |(_, t)| t.as_str());
                        chosen.replace('#', &n)
                    }
                    _ => unreachable!("matched above"),
                };
                (text, stale)
            }
            Form::Target => {
                let (_, v, decimals) =
                    ind.target.as_ref().ok_or_else(|| format!("indicator `{}` has no `target`", ph.id))?;
                (locale.figure(fig(*v, (*decimals, None))), None)
            }
            Form::TargetPeriod => {
                let (p, _, _) = ind.target.as_ref().ok_or_else(|| format!("indicator `{}` has no `target`", ph.id))?;
                (p.label.clone(), None)
            }
            Form::Range => unreachable!("charts are handled above"),
            Form::Change | Form::ChangePercent => {
                let (_, end, (end_dec, _)) = current()?;
                let base = match (&asked, &ind.baseline) {
                    (Some(p), _) | (None, Some(p)) => p.clone(),
                    (None, None) => ind
                        .series
                        .first()
                        .map(|(p, _)| p.clone())
                        .ok_or_else(|| format!("indicator `{}` has no values", ph.id))?,
                };
                let (_, start, (start_dec, _)) = point_at(&base)?;
                let stale = self.needs_data(ind);
                let text = if ph.form == Form::Change {
                    let decimals = match (start_dec, end_dec) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                    locale.change(fig(end - start, (decimals, None)))
                } else {
                    if start == 0.0 {
                        return Err(format!("indicator `{}` is 0 in {base}: no relative change", ph.id));
                    }
                    locale.change(format::Figure {
                        value: (end - start) / start.abs() * 100.0,
                        unit: "percent",
                        decimals: Some(1),
                        place: None,
                    })
                };
                (text, stale)
            }
        };
        // A period is not a figure: it carries no example mark.
        let example = if matches!(ph.form, Form::Period | Form::TargetPeriod) { None } else { example };
        Ok((text, stale.or(example)))
    }

    /// The mark printed after a value that is not final ("p", "e"), noted for the legend.
    fn status_mark(&mut self, status: ValueStatus) -> Option<String> {
        let m = &self.strings.marks;
        let (mark, name) = match status {
            ValueStatus::Final => return None,
            ValueStatus::Provisional => (m.provisional.clone(), m.provisional_name.clone()),
            ValueStatus::Estimated => (m.estimated.clone(), m.estimated_name.clone()),
        };
        self.symbols.insert((mark.clone(), name));
        Some(mark)
    }

    /// A reason (a missing value's) as this edition prints it: a reason that
    /// is the key of a label is that label, translated like any; else as written.
    fn reason_text(&self, why: &str) -> String {
        match self.labels.get(why).or_else(|| self.src_labels.get(why)) {
            Some((_, label)) => label.clone(),
            None => why.to_string(),
        }
    }

    /// Notes which indicators' periods a text prints, for [`Self::as_of`].
    fn note_periods(&mut self, text: &str) {
        self.period_ids.clear();
        if !text.contains(":period") {
            return;
        }
        let mut ids = Vec::new();
        let _ = markup::fill(text, |ph| {
            if ph.form == Form::Period {
                ids.push(ph.id.clone());
            }
            Ok((String::new(), None))
        });
        self.period_ids.extend(ids);
    }

    /// " (2020)" after a value older than the edition, printed because the
    /// edition's own is declared missing (none where the text prints its period).
    fn as_of(&self, ind: &Ind, period: &Period) -> String {
        let printed = self.period_ids.contains(ind.spec.id.get_ref().as_str());
        if printed || ind.declared_gap(self.idx.edition).is_none() {
            return String::new();
        }
        self.strings.as_of.replace("{period}", &period.label)
    }

    /// Fills the placeholders of a plain field (a label, a chart's texts, the
    /// cover and imprint) at its location; a bad one is reported there.
    fn plain(&mut self, path: &Path, text: &Spanned<String>) -> String {
        let raw = text.get_ref();
        // Plain fields become PDF strings (title, keywords, alt text,
        // bookmarks), which PDF/A caps at 32,767 bytes.
        if crate::limits::pdf_string_len(raw) > crate::limits::MAX_PDF_STRING {
            let d = Diag::error(
                path,
                Some(text.span()),
                "this text is too long for the PDF: a PDF string holds at most 32,767 bytes",
            );
            self.diags.push(d.with_hint(format!(
                "it is {} characters long; alt text, titles and labels are a sentence or a few, not pages",
                raw.chars().count()
            )));
        }
        if !raw.contains(['{', '}']) {
            return raw.clone();
        }
        self.note_periods(raw);
        match markup::fill(raw, |ph| self.placeholder(ph)) {
            Ok(filled) => filled,
            Err(errors) => {
                self.markup_errors(path, text, raw, errors);
                raw.clone()
            }
        }
    }

    /// Reports markup errors of `text` (as `resolved`, its lines joined) at their places.
    fn markup_errors(&mut self, path: &Path, text: &Spanned<String>, resolved: &str, errors: Vec<markup::MarkupError>) {
        let mut at = Cursor::default();
        for (n, e) in errors.into_iter().enumerate() {
            // Past the first hundred, the whole text is pointed at: the
            // search stays linear, and only the first are printed anyway.
            let span =
                if n < 100 { locate(self.sources, path, text, resolved, e.offset, e.len, &mut at) } else { None };
            self.diags.push(Diag::error(path, span.or(Some(text.span())), e.message));
        }
    }

    fn plain_opt(&mut self, path: &Path, text: Option<&Spanned<String>>) -> Option<String> {
        text.map(|t| self.plain(path, t))
    }

    /// Values that look wrong (a slip of scale, a share over 100, a rate
    /// that contradicts its levels): errors in a release, warnings in a draft.
    fn doubts(&mut self) {
        let mut inds: Vec<&Ind> = self.idx.indicators.values().collect();
        inds.sort_by_key(|i| (i.path, i.spec.id.span().start));
        for ind in inds {
            for d in super::plausible::doubts(self.idx, ind) {
                let diag =
                    Diag::error(&d.at.file, Some(d.at.span.clone()), format!("implausible value: {}", d.message))
                        .with_hint(d.hint);
                self.report(diag);
            }
        }
    }

    /// The stale-year check over the edition's own texts: an error in a
    /// release, a warning in a draft.
    fn stale_years(&mut self, texts: &LangTexts) {
        let mut fields: Vec<(&Path, years::Field, &Spanned<String>)> = Vec::new();
        for (path, t) in texts.chapters.values() {
            fields.extend(years::chapter_fields(t).into_iter().map(|(f, s)| (path.as_path(), f, s)));
        }
        if let Some((path, m)) = &texts.meta {
            fields.extend(years::meta_fields(m).into_iter().map(|(f, s)| (path.as_path(), f, s)));
        }
        fields.sort_by_key(|(p, _, s)| (p.to_path_buf(), s.span().start));
        // A cell is checked with its row: a year in one cell, a figure in the next.
        for (path, t) in texts.chapters.values() {
            for row in years::chapter_rows(t) {
                let cells: Vec<&str> = row.iter().map(|c| c.get_ref().as_str()).collect();
                for (n, f) in years::check_row(self.idx, &cells) {
                    let text = row[n];
                    let span = locate(self.sources, path, text, text.get_ref(), f.offset, 4, &mut Cursor::default());
                    let d = Diag::error(path, span.or(Some(text.span())), format!("stale year: {}", f.message))
                        .with_hint(years::HINT);
                    self.report(d);
                }
            }
        }
        for (path, field, text) in fields {
            let raw = text.get_ref();
            let mut at = Cursor::default();
            for f in years::check(self.idx, field, raw) {
                let span = locate(self.sources, path, text, raw, f.offset, 4, &mut at);
                let d = Diag::error(path, span.or(Some(text.span())), format!("stale year: {}", f.message))
                    .with_hint(years::HINT);
                self.report(d);
            }
        }
    }

    /// Every chart's texts in this edition (the source language's where the
    /// translation has none), placeholders filled.
    fn chart_words(&mut self, src: &LangTexts, tr: &LangTexts) -> BTreeMap<String, ChartWords> {
        let mut out = BTreeMap::new();
        for (_, spec) in &self.idx.charts {
            let id = spec.id.get_ref();
            let Some((path, c)) = find_chart(tr, id).or_else(|| find_chart(src, id)) else { continue };
            let mut map = |m: &BTreeMap<String, Spanned<String>>| -> BTreeMap<String, String> {
                m.iter().map(|(k, v)| (k.clone(), self.plain(path, v))).collect()
            };
            let (categories, series, references) = (map(&c.categories), map(&c.series), map(&c.references));
            let words = ChartWords {
                title: self.plain(path, &c.title),
                categories,
                series,
                note: self.plain_opt(path, c.note.as_ref()),
                axis: self.plain_opt(path, c.axis.as_ref()),
                references,
            };
            out.insert(id.clone(), words);
        }
        out
    }

    /// Resolves inline markup of a text at its location.
    fn runs(&mut self, path: &Path, text: &Spanned<String>) -> Vec<Run> {
        let cjk = self.locale.cjk;
        let joined = markup::join_lines(text.get_ref(), cjk);
        self.note_periods(&joined);
        // Each figure run takes the status mark its placeholder left, in order.
        let mut statuses = Vec::new();
        let mut parsed = markup::parse(&joined, |ph| {
            self.pending_status = None;
            let filled = self.placeholder(ph);
            if filled.is_ok() {
                statuses.push(self.pending_status.take());
            }
            filled
        });
        if let Ok(runs) = &mut parsed {
            for (run, status) in runs.iter_mut().filter(|r| r.f).zip(statuses) {
                run.s = status;
            }
            self.map.push(path, text.span(), runs.iter().map(|r| r.t.as_str()).collect(), None);
        }
        match parsed {
            // Figures are kept on one line in spaced scripts; in Chinese a
            // figure may break like any other text, or justification suffers.
            Ok(runs) if cjk => {
                let mut runs: Vec<Run> = runs.into_iter().map(|r| Run { v: false, ..r }).collect();
                crate::data::typography::apply(self.locale, &mut runs);
                runs
            }
            Ok(mut runs) => {
                crate::data::typography::apply(self.locale, &mut runs);
                runs.into_iter().flat_map(split_long_figure).collect()
            }
            Err(errors) => {
                self.markup_errors(path, text, &joined, errors);
                Vec::new()
            }
        }
    }

    /// A table cell: each line of the text is kept as a line.
    fn lines(&mut self, path: &Path, text: &Spanned<String>) -> Vec<Vec<Run>> {
        text.get_ref()
            .split('\n')
            .filter(|l| !l.trim().is_empty())
            .map(|line| self.runs(path, &Spanned::new(text.span(), line.trim().to_string())))
            .collect()
    }

    fn label(&mut self, id: &str) -> String {
        let l = self.raw_label(id);
        crate::data::typography::apply_str(self.locale, &l)
    }

    fn raw_label(&mut self, id: &str) -> String {
        if let Some((_, l)) = self.labels.get(id) {
            return l.clone();
        }
        match (self.src_labels.get(id).cloned(), indicator_ref(id)) {
            // Reported with the translation's other texts.
            (Some((_, l)), _) => l,
            // `id@2015` without a label of its own: the indicator's label and the period.
            (None, (base, Some(period))) => format!("{} ({period})", self.raw_label(base)),
            (None, (_, None)) => {
                // Located at the indicator's definition, when it is one.
                let msg = format!("indicator `{id}` has no label in any text file");
                let d = match self.idx.indicators.get(id).map(Ind::loc) {
                    Some((path, span)) => Diag::error(path, Some(span), msg),
                    None => Diag::general(msg),
                };
                self.diags.push(d.with_hint(format!(
                    "add `{id} = \"…\"` under [labels] in a chapter file of the source language (text/<lang>/*.toml)"
                )));
                id.to_string()
            }
        }
    }

    /// A citation as this edition prints it, as runs: a label in its language
    /// (a missing one is reported once, at the citation, by
    /// [`check_citations`]), set apart in a right-to-left edition. What it
    /// holds in another language is marked so (a run's `l`): all of it, if it
    /// is written out in the data (in the source language) or is a label the
    /// edition lacks; a passage the label marks `[…]{lang=…}`; and words the
    /// label keeps as the source language's label writes them (a title cited
    /// in the original: [`citation::mark_kept`]).
    fn cite(&mut self, c: &Citation) -> doc::Runs {
        let src = self.src_lang.clone();
        let foreign = self.lang != src;
        let (text, whole, kept) = match c {
            Citation::Text(t) => (t.clone(), true, None),
            Citation::Label(k) => {
                match (self.raw_labels.get(&(false, k.clone())), self.raw_labels.get(&(true, k.clone()))) {
                    (Some(own), source) => (own.clone(), false, source.cloned()),
                    (None, Some(source)) => (source.clone(), true, None),
                    (None, None) => (k.clone(), false, None),
                }
            }
        };
        // Placeholders and markup were checked where the text was read.
        let mut runs = match markup::parse_plain(&text, |ph| self.placeholder(ph)) {
            Ok(runs) => runs,
            Err(_) => vec![Run::text(
                c.text(|k| self.labels.get(k).or_else(|| self.src_labels.get(k)).map(|(_, l)| l.clone())),
            )],
        };
        if matches!(c, Citation::Label(_)) {
            crate::data::typography::apply(self.locale, &mut runs);
        }
        if foreign && whole {
            for r in runs.iter_mut().filter(|r| r.l.is_none()) {
                r.l = Some(src.clone());
            }
        } else if foreign && let Some(kept) = kept {
            let kept = markup::fill(&kept, |ph| self.placeholder(ph)).unwrap_or(kept);
            runs = super::citation::mark_kept(runs, &kept, &src);
        }
        if self.locale.rtl && !runs.is_empty() {
            runs.insert(0, Run::text("\u{2068}"));
            runs.push(Run::text("\u{2069}"));
        }
        runs
    }

    /// "this review, section 4.1.2", or for a `section` that names a chapter
    /// (one without a number, such as a key-figures page), its title.
    fn section_ref(&self, section: &str) -> String {
        match self.chapter_titles.get(section) {
            Some(title) => self.strings.report_chapter.replace("{title}", title),
            None => match &self.strings.report_part {
                Some(part) if !section.contains('.') => part.replace("{section}", section),
                _ => self.strings.report_section.replace("{section}", section),
            },
        }
    }

    fn chapter(&mut self, spec: &ChapterSpec, ct: &ChapterText) -> doc::Chapter {
        let (mpath, master) = ct.master;
        let (tpath, ttext) = ct.tr.unwrap_or(ct.master);
        let fallback = ct.tr.is_none();
        let mut title = self.runs(tpath, &ttext.title);
        self.map.mark_heading(self.level, tpath, ttext.title.span());
        self.last_heading = self.level;
        let mut subtitle = ttext.subtitle.as_ref().map(|s| self.runs(tpath, s));
        if fallback && self.lang != self.src_lang {
            for r in title.iter_mut().chain(subtitle.iter_mut().flatten()).filter(|r| r.l.is_none()) {
                r.l = Some(self.src_lang.clone());
            }
        }
        let mut blocks = Vec::new();
        let mut seen = HashSet::new();
        for (n, b) in master.block.iter().enumerate() {
            if let Some(id) = &b.id
                && !seen.insert(id.get_ref().clone())
            {
                self.diags.push(Diag::error(mpath, Some(id.span()), format!("duplicate block id `{}`", id.get_ref())));
            }
            let content = match b.content() {
                Ok(c) => c,
                Err(count) => {
                    let span = b.id.as_ref().map(Spanned::span);
                    self.diags.push(Diag::error(mpath, span, format!("block {} must have exactly one of p, h, h3, h4, list, figure, panel, goals, table, photo (has {count})", n + 1)));
                    continue;
                }
            };
            let needs_text = match content {
                BlockContent::Figure(_) | BlockContent::Goals(_) => false,
                BlockContent::Panel(_) => b.title.is_some(),
                _ => true,
            };
            let (tb, tp, fb) = match (&b.id, needs_text) {
                (_, false) => (b, mpath, None),
                (None, true) => {
                    self.diags.push(Diag::error(
                        mpath,
                        None,
                        format!("block {} holds text and needs an `id` so translations can match it", n + 1),
                    ));
                    (b, mpath, None)
                }
                (Some(id), true) => {
                    let mark = self.mark(spec.id.get_ref(), Key::Block(id.get_ref().clone()));
                    match ct.by_id.get(id.get_ref().as_str()) {
                        Some(tb) if !fallback => (*tb, tpath, mark),
                        _ => (b, mpath, Some(None)),
                    }
                }
            };
            // The source language's text, shown for want of a translation.
            let in_source = fb == Some(None) && self.lang != self.src_lang;
            let fb = fb.or_else(|| self.data_mark(content));
            if let Some(mut block) = self.block(b, content, tb, tp, mpath) {
                if in_source {
                    block.set_lang(&self.src_lang);
                }
                let (fallback, fallback_note) = match fb {
                    Some(note) => (true, note),
                    None => (false, None),
                };
                blocks.push(doc::MarkedBlock { block, fallback, fallback_note });
            }
        }
        doc::Chapter {
            id: spec.id.get_ref().clone(),
            number: spec.number.clone(),
            level: self.level,
            title,
            subtitle,
            goals: spec.goals.iter().map(|g| *g.get_ref()).collect(),
            opener: spec.opener().name(),
            new_page: self.new_page,
            fallback,
            blocks,
            generated: None,
        }
    }

    /// The draft mark of a figure or panel whose chart texts or labels are
    /// not current: `Some(None)` if the source language is shown,
    /// `Some(Some(note))` if stale.
    fn data_mark(&self, content: BlockContent) -> Option<Option<String>> {
        match content {
            BlockContent::Figure(f) => self.mark_anywhere(&Key::Chart(f.get_ref().clone())),
            BlockContent::Panel(p) => {
                let (_, panel) = self.idx.panels.get(p.get_ref().as_str())?;
                panel.items.iter().find_map(|i| {
                    let base = indicator_ref(i.get_ref()).0.to_string();
                    self.mark_anywhere(&Key::Label(i.get_ref().clone()))
                        .or_else(|| self.mark_anywhere(&Key::Label(base)))
                })
            }
            _ => None,
        }
    }

    /// One block: `b` is the master (layout) and `content` what it holds;
    /// `tb` carries the text, from `tp`.
    fn block(&mut self, b: &Block, content: BlockContent, tb: &Block, tp: &Path, mpath: &Path) -> Option<doc::Block> {
        Some(match content {
            BlockContent::P(p) => doc::Block::P(doc::Paragraph { runs: self.runs(tp, tb.p.as_ref().unwrap_or(p)) }),
            BlockContent::H(level, h) => {
                let text = tb.heading(level).unwrap_or(h);
                let runs = self.runs(tp, text);
                // In the document's outline, below the chapter's own level.
                self.last_heading = level.saturating_add(self.level - 1);
                self.map.mark_heading(self.last_heading, tp, text.span());
                doc::Block::H(doc::Heading { level, runs })
            }
            BlockContent::List(items) => {
                let items = tb.list.as_deref().unwrap_or(items);
                doc::Block::List(doc::List { items: items.iter().map(|i| self.runs(tp, i)).collect() })
            }
            BlockContent::Goals(goals) => doc::Block::Goals(self.goals(b, goals, mpath)?),
            BlockContent::Panel(panel) => {
                doc::Block::Panel(self.panel(panel, tb.title.as_ref().or(b.title.as_ref()), tp, mpath)?)
            }
            BlockContent::Figure(fig) => doc::Block::Figure(self.figure(fig, mpath)?),
            BlockContent::Table(t) => doc::Block::Table(self.table(t, tb.table.as_ref().unwrap_or(t), tp, mpath)?),
            BlockContent::Photo(ph) => doc::Block::Photo(self.photo(ph, tb.photo.as_ref().unwrap_or(ph), tp, mpath)?),
        })
    }

    /// A row of SDG tiles: at least one goal, each 1 to 17.
    fn goals(&mut self, b: &Block, goals: &[Spanned<u8>], mpath: &Path) -> Option<doc::Goals> {
        let mut ok = !goals.is_empty();
        if goals.is_empty() {
            let span = b.id.as_ref().map(Spanned::span);
            self.diags.push(Diag::error(mpath, span, "`goals` lists at least one SDG goal (1 to 17)"));
        }
        for d in goals.iter().filter_map(|g| super::sdg::check_goal(mpath, g)) {
            self.diags.push(d);
            ok = false;
        }
        ok.then(|| doc::Goals { goals: goals.iter().map(|g| *g.get_ref()).collect() })
    }

    /// A panel's key figures, under `title` (from `tp`).
    fn panel(
        &mut self,
        panel: &Spanned<String>,
        title: Option<&Spanned<String>>,
        tp: &Path,
        mpath: &Path,
    ) -> Option<doc::Panel> {
        let Some((_, p)) = self.idx.panels.get(panel.get_ref().as_str()).copied() else {
            self.diags.push(Diag::error(mpath, Some(panel.span()), format!("unknown panel `{}`", panel.get_ref())));
            return None;
        };
        let title = title.map(|t| {
            let runs = self.runs(tp, t);
            // A panel's title is a heading below the last one (templates/lib.typ's `panel`).
            self.map.mark_heading((self.last_heading + 1).min(6), tp, t.span());
            runs
        });
        let mut items = Vec::new();
        // The period a value stands for, after it: kept out of the grouping below.
        let mut as_ofs = Vec::new();
        for item in &p.items {
            let (id, period) = indicator_ref(item.get_ref());
            let period = period.and_then(|p| Period::parse(p).ok());
            let Some(ind) = self.idx.indicators.get(id) else { continue };
            let (point, printed) = match &period {
                Some(per) => (ind.series.at(per), None),
                None => ind.current(self.idx.edition).map_or((None, None), |(p, pt)| (Some(pt), Some(p))),
            };
            let current = point.and_then(|pt| Some((pt.value?, pt.decimals, pt.place)));
            let label = self.label(item.get_ref());
            let (value, note) = match current {
                Some((v, decimals, place)) => {
                    // As written in the data: 10.60e9 keeps its 0 ("10.60 billion"), as in text and annex.
                    let f = format::Figure { value: v, unit: ind.unit(), decimals, place };
                    // The latest value standing in for a declared gap says its
                    // period (unless the label says it) and why.
                    self.period_ids.clear();
                    let as_of = printed
                        .filter(|p| !label.contains(p.label.as_str()))
                        .map(|p| self.as_of(ind, p))
                        .unwrap_or_default();
                    let why = ind.declared_gap(self.idx.edition).map(|(_, why)| self.reason_text(why));
                    as_ofs.push(as_of);
                    (self.locale.figure(f), why)
                }
                // Never dropped: a figure that is not known says so, with why.
                None => {
                    as_ofs.push(String::new());
                    let why = point.and_then(|pt| pt.missing.clone()).or_else(|| ind.missing.clone());
                    (self.strings.not_available.clone(), why.filter(|m| !m.is_empty()).map(|w| self.reason_text(&w)))
                }
            };
            let mark = if current.is_some() && period.is_none() { self.needs_data(ind) } else { None };
            let mark = mark.or_else(|| ind.spec.example.then(|| self.strings.example.clone()));
            let status = point.map_or(ValueStatus::Final, |pt| pt.status);
            let status = if current.is_some() { self.status_mark(status) } else { None };
            items.push(doc::PanelItem { value, label, note, mark, missing: current.is_none(), status });
        }
        // A panel's values are grouped alike (Russian "2 970" beside "258 000").
        let mut values: Vec<String> = items.iter().map(|i| i.value.clone()).collect();
        self.locale.group_alike(&mut values);
        for ((item, value), as_of) in items.iter_mut().zip(values).zip(as_ofs) {
            item.value = value + &as_of;
        }
        Some(doc::Panel { title, items })
    }

    /// A chart in the text, numbered; marked if it lacks the edition's data.
    fn figure(&mut self, fig: &Spanned<String>, mpath: &Path) -> Option<doc::FigureBlock> {
        let Some((_, spec)) = self.idx.charts.iter().find(|(_, c)| c.id.get_ref() == fig.get_ref()).copied() else {
            self.diags.push(Diag::error(mpath, Some(fig.span()), format!("unknown chart `{}`", fig.get_ref())));
            return None;
        };
        self.figure_no += 1;
        let cites: Vec<doc::Runs> = chart_spec::citations(self.idx, spec).iter().map(|c| self.cite(c)).collect();
        let citation = (!cites.is_empty()).then(|| cites.join(&Run::text("; ")));
        // A chart over periods shows the edition's data: each indicator must have it.
        let idx = self.idx;
        // So does a chart of categories, for each value it takes at the edition (no `@period`).
        let current = spec.series.iter().flat_map(|s| &s.values).filter(|v| indicator_ref(v.get_ref()).1.is_none());
        let marks: Vec<String> = spec
            .indicators
            .iter()
            .chain(current)
            .filter_map(|i| idx.indicators.get(i.get_ref().as_str()))
            .filter_map(|ind| self.needs_data(ind))
            .collect();
        Some(doc::FigureBlock {
            chart: fig.get_ref().clone(),
            // Renumbered once the charts are drawn (a callout has none).
            number: Some(self.figure_no),
            source: spec.section.as_deref().map(|s| self.section_ref(s)),
            citation,
            mark: marks.into_iter().next(),
        })
    }

    /// A table, numbered: `t` is the master (layout), `tt` carries the text.
    fn table(&mut self, t: &TableSpec, tt: &TableSpec, tp: &Path, mpath: &Path) -> Option<doc::Table> {
        self.table_no += 1;
        if t.header.is_empty() {
            self.diags.push(Diag::error(mpath, Some(t.caption.span()), "a table needs at least one header cell"));
            return None;
        }
        if let Some(w) = &t.widths {
            let (widths, span) = (w.get_ref(), w.span());
            if widths.len() != t.header.len() {
                self.diags.push(Diag::error(
                    mpath,
                    Some(span),
                    format!("`widths` has {} values for {} columns", widths.len(), t.header.len()),
                ));
                return None;
            }
            if widths.iter().any(|w| !(w.is_finite() && *w > 0.0 && *w <= 1000.0)) {
                self.diags.push(
                    Diag::error(mpath, Some(span), "column widths are positive numbers (relative widths)")
                        .with_hint("e.g. `widths = [2, 1, 1]` makes the first column twice as wide"),
                );
                return None;
            }
        }
        let header: Vec<_> = tt.header.iter().map(|c| self.lines(tp, c)).collect();
        let mut rows = Vec::new();
        for row in &tt.rows {
            if row.len() != tt.header.len() {
                let span = row.first().map(Spanned::span);
                self.diags.push(Diag::error(
                    tp,
                    span,
                    format!("table row has {} cells, the header {}", row.len(), tt.header.len()),
                ));
            }
            rows.push(row.iter().map(|c| self.lines(tp, c)).collect::<Vec<_>>());
        }
        let source = tt.source.as_ref().map(|s| self.runs(tp, s));
        let caption = self.runs(tp, &tt.caption);
        Some(doc::Table {
            number: self.table_no,
            caption,
            header,
            rows,
            widths: t.widths.as_ref().map(|w| w.get_ref().clone()),
            source,
        })
    }

    /// A photo inside the project: `ph` is the master (the file), `tph` carries the text.
    fn photo(&mut self, ph: &PhotoSpec, tph: &PhotoSpec, tp: &Path, mpath: &Path) -> Option<doc::Photo> {
        let file = ph.file.get_ref();
        let opened = crate::files::Root::open(self.root)
            .map_err(|e| crate::files::Unusable::Io(self.root.to_path_buf(), e))
            .and_then(|root| root.open_file(Path::new(file)));
        let real = match opened {
            Ok((f, _)) => f,
            Err(crate::files::Unusable::Leaves) => {
                self.diags.push(Diag::error(
                    mpath,
                    Some(ph.file.span()),
                    format!("photo path `{file}` leaves the project"),
                ));
                return None;
            }
            Err(_) => {
                let d = Diag::error(mpath, Some(ph.file.span()), format!("photo `{file}` not found in the project"));
                self.diags.push(d.with_hint(
                    "photos and maps are JPEG, PNG or SVG files inside the project folder, e.g. images/market.jpg",
                ));
                return None;
            }
        };
        if let Err(e) = check_photo(real) {
            let d = Diag::error(mpath, Some(ph.file.span()), format!("photo `{file}`: {e}"));
            self.diags.push(d.with_hint("photos and maps are JPEG, PNG or SVG files"));
            return None;
        }
        let credit = tph.credit.as_ref().map(|c| self.runs(tp, c));
        let caption = self.runs(tp, &tph.caption);
        let alt = self.plain(tp, &tph.alt);
        if alt.trim().is_empty() {
            self.diags.push(
                Diag::error(tp, Some(tph.alt.span()), format!("photo `{file}` has an empty `alt`"))
                    .with_hint("say what the image shows, for a screen reader (a map: the places and what it marks)"),
            );
        }
        Some(doc::Photo { path: format!("/{}", file.trim_start_matches("./")), caption, credit, alt })
    }

    /// The cover and document metadata; `None` (an error) without any meta.toml.
    fn meta(&mut self, project: &Project, loaded: &Loaded, src: &str) -> Option<doc::Meta> {
        let m = loaded.texts.get(self.lang).and_then(|t| t.meta.as_ref()).or_else(|| {
            self.missing(&Path::new("text").join(self.lang).join("meta.toml"), "cover and metadata (meta.toml)".into());
            loaded.texts.get(src).and_then(|t| t.meta.as_ref())
        });
        let Some((mp, m)) = m else {
            self.diags
                .push(Diag::general(format!("text/{src}/meta.toml not found: the cover and PDF metadata need it")));
            return None;
        };
        let mut goals: Vec<u8> =
            project.file.chapter.iter().flat_map(|c| c.goals.iter().map(|g| *g.get_ref())).collect();
        goals.sort_unstable();
        goals.dedup();
        let mut keywords: Vec<String> = m.keywords.iter().map(|k| self.plain(mp, k)).collect();
        // "SDG 4"; in Chinese 目标4, as the text writes it.
        let goal = if self.locale.cjk { self.strings.goal.clone() } else { "SDG ".into() };
        keywords.extend(goals.iter().map(|g| format!("{goal}{g}")));
        let date = project.published().map(|(y, mo, d)| format!("{y:04}-{mo:02}-{d:02}"));
        let pub_date = self.published_date();
        let locale = self.locale;
        let t = |s: String| crate::data::typography::apply_str(locale, &s);
        let mp = mp.as_path();
        let i = &m.imprint;
        let author = self.plain(mp, &m.author);
        let publisher = self.plain_opt(mp, i.publisher.as_ref()).unwrap_or_else(|| author.clone());
        let imprint = doc::Imprint {
            publisher: Some(publisher),
            licence: self.plain_opt(mp, i.licence.as_ref()).map(t),
            disclaimer: self.plain_opt(mp, i.disclaimer.as_ref()).map(t),
            contact: i.contact.iter().map(|c| self.plain(mp, c)).collect(),
            link: self.plain_opt(mp, i.link.as_ref()),
            notes: i.notes.iter().map(|n| self.runs(mp, n)).collect(),
            copyright: self.plain_opt(mp, i.copyright.as_ref()).map(t),
            // Written out, with the text's inline markup (`*title*` in italics).
            citation: i.citation.as_ref().map(|c| self.runs(mp, c)),
            identifier: self.plain_opt(mp, i.identifier.as_ref()),
            original: self.plain_opt(mp, i.original.as_ref()).map(t),
            credits: i.credits.iter().map(|c| t(self.plain(mp, c))).collect(),
        };
        let mut imprint = imprint;
        // What the project's facts give where the text gives nothing: a
        // suggested citation (author, year of publication, title, publisher
        // and link where given) and, in a translation, its original language.
        if imprint.citation.is_none() {
            let title = self.plain(mp, &m.title);
            let subtitle = self.plain_opt(mp, m.subtitle.as_ref());
            imprint.citation = self
                .suggested_citation(
                    &author,
                    imprint.publisher.as_deref(),
                    &title,
                    subtitle.as_deref(),
                    imprint.link.as_deref(),
                )
                .map(|mut runs| {
                    crate::data::typography::apply(locale, &mut runs);
                    runs
                });
        }
        if imprint.original.is_none() && self.lang != src {
            let words = &self.strings.imprint;
            imprint.original = words.languages.get(src).map(|name| t(words.original.replace("{language}", name)));
        }
        let qr = imprint.link.as_deref().and_then(qr_matrix);
        let acronyms = self.acronyms(loaded);
        let logo = self.project_file(project.file.project.logo.as_ref(), "logo");
        let photo = self.project_file(project.file.project.cover_photo.as_ref(), "cover photo");
        let numbering = project
            .file
            .project
            .numbering
            .get(self.lang)
            .map(|n| n.get_ref().clone())
            .unwrap_or_else(|| self.strings.h3_numbering.clone());
        let title = self.plain(mp, &m.title);
        let cover_title = self.plain_opt(mp, m.cover_title.as_ref()).unwrap_or_else(|| title.clone());
        let cover_credit = self.plain_opt(mp, m.cover_credit.as_ref()).map(t);
        let cover_alt = self.plain_opt(mp, m.cover_alt.as_ref());
        Some(doc::Meta {
            title,
            kicker: self.plain_opt(mp, m.kicker.as_ref()),
            subtitle: self.plain_opt(mp, m.subtitle.as_ref()),
            motto: self.plain_opt(mp, m.motto.as_ref()),
            city: self.plain(mp, &m.city),
            author,
            keywords,
            edition: *project.file.project.edition.get_ref(),
            date,
            published: pub_date,
            cover_title,
            imprint,
            qr,
            acronyms,
            logo,
            cover_photo: photo,
            cover_credit,
            cover_alt,
            h3_numbering: numbering,
        })
    }

    /// The edition's acronyms: its own language's list (`[acronyms]` in its
    /// `meta.toml`, keyed by the short form as that language writes it:
    /// ODD, PIB, ЦУР …). [`used_acronyms`] then keeps those its text uses.
    fn acronyms(&mut self, loaded: &Loaded) -> Vec<doc::Acronym> {
        let Some((path, meta)) = loaded.texts.get(self.lang).and_then(|t| t.meta.as_ref()) else { return Vec::new() };
        let mut out: Vec<doc::Acronym> = meta
            .acronyms
            .iter()
            .map(|(short, long)| {
                let long = self.plain(path, long);
                let long = crate::data::typography::apply_str(self.locale, &long);
                doc::Acronym { short: short.clone(), long, fallback: false }
            })
            .collect();
        // Alphabetical, the language's own script first (Russian ЦУР before
        // Latin SDSN), as its dictionaries sort: a list of Latin ones alone
        // (English, or Chinese) is simply alphabetical.
        let latin = |a: &doc::Acronym| a.short.starts_with(|c: char| c.is_ascii_alphanumeric());
        let own_script = out.iter().any(|a| !latin(a));
        out.sort_by_key(|a| (own_script && latin(a), a.short.to_lowercase()));
        out
    }

    /// A file the project names in `vlr.toml` (logo, cover photo), as a typst path.
    fn project_file(&mut self, file: Option<&Spanned<String>>, what: &str) -> Option<String> {
        let file = file?;
        let name = file.get_ref();
        let root = crate::files::Root::open(self.root);
        let bytes = root
            .map_err(|_| ())
            .and_then(|r| r.read(Path::new(name), crate::limits::MAX_TEMPLATE_FILE).map_err(|_| ()));
        let Ok(bytes) = bytes else {
            self.diags.push(Diag::error(
                PROJECT_FILE,
                Some(file.span()),
                format!("{what} `{name}` not found in the project"),
            ));
            return None;
        };
        // Checked here, so the error points at vlr.toml, not at the template.
        if let Err(e) = crate::limits::check_image(&bytes) {
            self.diags.push(Diag::error(PROJECT_FILE, Some(file.span()), format!("{what} `{name}`: {e}")));
            return None;
        }
        Some(format!("/{}", name.trim_start_matches("./")))
    }
}

/// The smallest side, in pixels, of a raster SDG icon: a 30 mm tile (an
/// opener's) at 300 dpi needs about 350.
const ICON_MIN_PX: usize = 350;

/// The goal an icon's file is for: the number its name ends in (`9.svg`,
/// `E-WEB-Goal-09.png`, `sdg_icon_09_ru.png` → 9 only if the number ends the
/// stem), if an SVG, PNG or JPEG file; `None` for any other file.
fn icon_goal(name: &str) -> Option<usize> {
    let (stem, ext) = name.rsplit_once('.')?;
    if !matches!(ext.to_ascii_lowercase().as_str(), "svg" | "png" | "jpg" | "jpeg") {
        return None;
    }
    let digits: String =
        stem.chars().rev().take_while(char::is_ascii_digit).collect::<Vec<_>>().into_iter().rev().collect();
    digits.parse().ok().filter(|n| (1..=17).contains(n))
}

/// An SVG's width and height, from its root element's `viewBox` (else its
/// `width` and `height`); `None` when it states neither.
fn svg_size(bytes: &[u8]) -> Option<(f64, f64)> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 << 10)]);
    let start = text.find("<svg")?;
    let tag = &text[start..start + text[start..].find('>')?];
    let attr = |name: &str| {
        let at = tag.match_indices(name).find(|(i, _)| {
            tag[..*i].ends_with(|c: char| c.is_whitespace()) && tag[i + name.len()..].trim_start().starts_with('=')
        })?;
        let rest = tag[at.0 + name.len()..].trim_start().strip_prefix('=')?.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let body = &rest[1..];
        Some(body[..body.find(quote)?].to_string())
    };
    if let Some(vb) = attr("viewBox") {
        let v: Vec<f64> = vb
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|x| !x.is_empty())
            .filter_map(|x| x.parse().ok())
            .collect();
        if v.len() == 4 {
            return Some((v[2], v[3]));
        }
    }
    let num = |x: String| x.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%').trim().parse::<f64>().ok();
    Some((num(attr("width")?)?, num(attr("height")?)?))
}

impl Resolver<'_, '_> {
    /// The official SDG icons of the edition's language (`vlr.toml`'s
    /// `sdg-icons`, a folder per language), as typst paths, goal 1 first;
    /// all `None` without them. A language folder that lacks a goal, holds
    /// two files for one, or an icon that is not square is an error at
    /// `sdg-icons`; a language without its folder a warning (its edition
    /// draws its own tiles).
    fn sdg_icons(&mut self, project: &Project) -> Vec<Option<String>> {
        let mut out = vec![None; 17];
        let Some(dir) = project.file.project.sdg_icons.as_ref() else { return out };
        let span = Some(dir.span());
        let folder = Path::new(dir.get_ref().trim_start_matches("./")).join(self.lang);
        let shown = folder.display().to_string();
        let Ok(root) = crate::files::Root::open(self.root) else { return out };
        let entries = match root.entries(&folder) {
            Ok(e) => e,
            Err(_) => {
                self.diags.push(
                    Diag::warning(
                        PROJECT_FILE,
                        span,
                        format!("no SDG icons for `{}`: the folder `{shown}` is not in the project", self.lang),
                    )
                    .with_hint(
                        "the edition draws its own goal tiles; docs/data-format.md says where the UN's icons go",
                    ),
                );
                return out;
            }
        };
        let mut found: Vec<Option<String>> = vec![None; 17];
        let mut bad = false;
        for (name, is_dir) in entries {
            let Some(name) = name.to_str().filter(|_| !is_dir) else { continue };
            let Some(n) = icon_goal(name) else { continue };
            let rel = folder.join(name);
            let path = rel.display().to_string();
            if let Some(other) = &found[n - 1] {
                self.diags.push(Diag::error(
                    PROJECT_FILE,
                    span.clone(),
                    format!("two SDG icons for goal {n} in `{shown}`: `{other}` and `{name}`"),
                ));
                bad = true;
                continue;
            }
            let problem = match root.read(&rel, crate::limits::MAX_TEMPLATE_FILE) {
                Err(_) => Some("cannot be read".to_string()),
                Ok(bytes) => {
                    let size = if name.to_ascii_lowercase().ends_with(".svg") {
                        svg_size(&bytes)
                    } else {
                        imagesize::blob_size(&bytes).ok().map(|s| (s.width as f64, s.height as f64))
                    };
                    match (crate::limits::check_image(&bytes), size) {
                        (Err(e), _) => Some(e),
                        (_, None) => {
                            Some("its size cannot be read (an SVG needs a viewBox, or width and height)".into())
                        }
                        (_, Some((w, h))) if w <= 0.0 || (w - h).abs() > 0.01 * w.max(h) => Some(format!(
                            "is {w}×{h}: an SDG icon is square (the UN's files are; crop nothing, add no margin)"
                        )),
                        (_, Some((w, _)))
                            if !name.to_ascii_lowercase().ends_with(".svg") && (w as usize) < ICON_MIN_PX =>
                        {
                            self.diags.push(Diag::warning(
                                PROJECT_FILE,
                                span.clone(),
                                format!(
                                    "SDG icon `{path}` is {w}×{w} pixels: it prints soft above {:.0} mm (use the UN's print files, SVG or {ICON_MIN_PX} pixels and more)",
                                    w / 300.0 * 25.4
                                ),
                            ));
                            None
                        }
                        _ => None,
                    }
                }
            };
            if let Some(p) = problem {
                self.diags.push(Diag::error(PROJECT_FILE, span.clone(), format!("SDG icon `{path}` {p}")));
                bad = true;
            }
            found[n - 1] = Some(name.to_string());
        }
        let missing: Vec<String> = (1..=17).filter(|n| found[n - 1].is_none()).map(|n| n.to_string()).collect();
        if !missing.is_empty() {
            self.diags.push(
                Diag::error(
                    PROJECT_FILE,
                    span,
                    format!("SDG icons missing in `{shown}` for goal(s) {}", missing.join(", ")),
                )
                .with_hint(
                    "the cover and the dashboard show all 17 goals: the folder needs an icon for each, its name ending in the goal's number (9.svg, E-WEB-Goal-09.png)",
                ),
            );
            return out;
        }
        if !bad {
            for (n, name) in found.into_iter().enumerate() {
                out[n] = name.map(|f| format!("/{}", folder.join(f).display()));
            }
        }
        out
    }
}

/// A figure worded at length ("1,2 milliard de livres sterling", "900 yuan
/// per person") keeps its number and the word after it on one line and lets
/// the rest break like text, so a long unit does not stretch a justified
/// line. Shorter figures ("148.56 billion yuan", "£1.2 billion") stay whole.
fn split_long_figure(run: Run) -> Vec<Run> {
    if !run.v || run.m.is_some() {
        return vec![run];
    }
    let words: Vec<&str> = run.t.split(' ').collect();
    let Some(first) = words.iter().position(|w| w.chars().any(|c| c.is_ascii_digit())) else { return vec![run] };
    let keep = first + 2;
    if words.len() < keep + 2 {
        return vec![run];
    }
    let head = words[..keep].join(" ");
    let tail = format!(" {}", words[keep..].join(" "));
    // The status mark follows the whole figure.
    vec![Run { t: head, s: None, ..run.clone() }, Run { t: tail, v: false, f: false, ..run }]
}

/// A QR code of `text` as rows of dark (true) and light modules, drawn as
/// vectors by the template; medium error correction, as printers advise.
pub fn qr_matrix(text: &str) -> Option<Vec<Vec<bool>>> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let n = qr.size();
    Some((0..n).map(|y| (0..n).map(|x| qr.get_module(x, y)).collect()).collect())
}

/// Checks a photo from its header: a JPEG, PNG, GIF or WebP image within
/// the size limits (nothing is decoded here).
fn check_photo(file: std::fs::File) -> Result<(), String> {
    use std::io::Read as _;
    let mut head = Vec::new();
    file.take(1 << 20).read_to_end(&mut head).map_err(|e| format!("cannot be read: {e}"))?;
    // An SVG (a map, a diagram drawn elsewhere) is read by typst as vectors.
    let svg = head.windows(4).take(4096).any(|w| w == b"<svg");
    if crate::limits::image_kind(&head).is_none() && !svg {
        return Err("is not an image (JPEG, PNG, GIF, WebP or SVG)".into());
    }
    crate::limits::check_image(&head)
}

/// How far [`locate`] has matched a joined text against its file.
#[derive(Default)]
pub(crate) struct Cursor {
    joined: usize,
    raw: usize,
}

/// Maps an offset in a joined text back to the file: finds the offending
/// snippet inside the string literal's span. Problems come in text order;
/// `at` carries the search on from the previous one, so finding them all
/// reads the text once.
pub(crate) fn locate(
    sources: &Sources,
    path: &Path,
    text: &Spanned<String>,
    joined: &str,
    offset: usize,
    len: usize,
    at: &mut Cursor,
) -> Option<std::ops::Range<usize>> {
    let span = text.span();
    let file = sources.get(path)?;
    let raw = file.get(span.clone())?;
    let snippet = joined.get(offset..offset + len)?;
    if offset < at.joined || snippet.is_empty() {
        *at = Cursor::default();
    }
    let between = joined.get(at.joined..offset)?;
    let mut r = at.raw;
    for _ in 0..between.matches(snippet).count() {
        r += raw.get(r..)?.find(snippet)? + snippet.len();
    }
    let found = r + raw.get(r..)?.find(snippet)?;
    *at = Cursor { joined: offset + len, raw: found + len };
    Some(span.start + found..span.start + found + snippet.len())
}

/// The subtitle as `citation-title` asks for it: `{subtitle:lower-first}`
/// with its first letter lower-cased ("La senda…" → "la senda…").
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A suggested citation as runs, from the imprint's patterns: the title in
/// italics where the pattern writes `*{title}*`, an address linked.
fn citation_runs(
    w: &crate::i18n::ImprintStrings,
    author: &str,
    year: i32,
    publisher: Option<&str>,
    title: &str,
    subtitle: Option<&str>,
    link: Option<&str>,
) -> Vec<Run> {
    let title = match subtitle {
        Some(sub) if !sub.trim().is_empty() => w
            .citation_title
            .replace("{title}", title)
            .replace("{subtitle:lower-first}", &lower_first(sub))
            .replace("{subtitle}", sub),
        _ => title.to_string(),
    };
    let pattern = w.citation.replace("{author}", author).replace("{year}", &year.to_string());
    let (before, mut after, italic) = match pattern.split_once("*{title}*") {
        Some((b, a)) => (b.to_string(), a.to_string(), true),
        None => match pattern.split_once("{title}") {
            Some((b, a)) => (b.to_string(), a.to_string(), false),
            None => (String::new(), pattern.clone(), false),
        },
    };
    if let Some(p) = publisher.filter(|p| p.trim() != author.trim() && !p.trim().is_empty()) {
        after.push_str(&w.citation_publisher.replace("{publisher}", p));
    }
    if let Some(l) = link.filter(|l| !l.trim().is_empty()) {
        after.push_str(&w.citation_link.replace("{link}", l));
    }
    let mut runs = Vec::new();
    if !before.is_empty() {
        runs.push(Run::text(before));
    }
    if w.citation.contains("{title}") {
        runs.push(Run { i: italic, ..Run::text(title) });
    }
    for (t, u) in markup::split_urls(&after) {
        runs.push(Run { u, ..Run::text(t) });
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(t: &str) -> Run {
        Run { v: true, f: true, ..Run::text(t) }
    }

    #[test]
    fn an_acronym_is_used_only_as_a_word_of_its_own() {
        assert!(uses_word("the SDGs.", "SDGs"));
        assert!(!uses_word("the SDGs.", "SDG"));
        assert!(uses_word("义乌SDSN的报告", "SDSN"), "Latin beside Chinese is a word of its own");
        assert!(uses_word("(PM2.5)", "PM2.5"));
        assert!(!uses_word("ЦУРы", "ЦУР"));
        assert!(uses_word("ЦУР-11", "ЦУР"));
        assert!(!uses_word("anything", ""));
    }

    #[test]
    fn long_figures_break_after_their_number() {
        let parts = split_long_figure(fig("1,2 milliard de livres sterling"));
        let texts: Vec<(&str, bool)> = parts.iter().map(|r| (r.t.as_str(), r.v)).collect();
        assert_eq!(texts, [("1,2 milliard", true), (" de livres sterling", false)]);
        let parts = split_long_figure(fig("1,36 million de tonnes"));
        assert_eq!(parts.iter().map(|r| r.t.as_str()).collect::<Vec<_>>(), ["1,36 million", " de tonnes"]);
        for whole in ["148.56 billion yuan", "£1.2 billion", "2,5 millions d’euros", "1.8594 million people"] {
            assert_eq!(split_long_figure(fig(whole)), vec![fig(whole)], "{whole}");
        }
        let marked = Run { m: Some("example value".into()), ..fig("1,2 milliard de livres sterling") };
        assert_eq!(split_long_figure(marked.clone()), vec![marked]);
    }

    #[test]
    fn qr_codes_are_square_with_finder_patterns() {
        let m = qr_matrix("https://testville.example/vlr").expect("encodes");
        let n = m.len();
        assert!(n >= 21 && (n - 17).is_multiple_of(4), "a QR version has 17 + 4v modules a side: {n}");
        assert!(m.iter().all(|row| row.len() == n));
        // The three finder patterns: dark 7×7 rings at three corners.
        for (x, y) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            assert!(m[y][x] && m[y + 6][x + 6] && m[y + 3][x + 3] && !m[y + 1][x + 1], "finder at {x},{y}");
        }
    }
}
