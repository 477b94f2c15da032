//! Copyfitting (theme.toml's `[copyfit]`): a chapter whose last page would
//! hold only a few lines, before a chapter that starts a new page, is set a
//! step or two tighter so that those lines move back to the page before.
//!
//! The book is laid out once as written; the templates mark where each
//! chapter ends (`<vlr-chapter-end>`). A chapter that ends within the
//! threshold from the top of a page is a candidate, with the chapters that
//! run on before it from the last one that starts a page (if that run did
//! not start on the same page). They are set one step tighter (`tighten`
//! in their chapter files: the templates read how much leading, paragraph
//! space and letter spacing a step takes), then two …, and keep the first
//! step that ends the run a page earlier. A run no step helps is left as
//! written. Each step is one more layout of the edition,
//! mostly from typst's caches (the chapters before it are unchanged).

use std::sync::atomic::{AtomicBool, Ordering};

use typst::diag::SourceDiagnostic;
use typst::foundations::{Label, Selector, Value};
use typst::introspection::MetadataElem;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::{Laid, Stopped, document, free_caches, layout};
use crate::theme::Copyfit;
use crate::world::VlrWorld;

/// The most of a run's length copyfitting could take back, with room to
/// spare: the bundled theme's floor (four steps) takes about a tenth of a
/// Latin run and an eighth of a Chinese one.
const MOST_TAKEN_BACK: f64 = 0.2;

/// A chapter's file and what copyfitting needs to know of it.
struct Chapter {
    file: String,
    id: String,
    /// A chapter of text (vlr's generated chapters are not copyfitted).
    text: bool,
    /// It starts on a new page (its `new-page`: numbered, generated, back
    /// matter, or with a full opener).
    new_page: bool,
}

/// Where each chapter ends: its id, the page (from 1) and how far down it, as
/// a share of the page's height.
fn ends(doc: &PagedDocument) -> Vec<(String, usize, f64)> {
    let Some(label) = Label::new(PicoStr::intern("vlr-chapter-end")) else { return Vec::new() };
    let intro = doc.introspector();
    intro
        .elements()
        .query(&Selector::Label(label))
        .iter()
        .filter_map(|c| {
            let id = match &c.to_packed::<MetadataElem>()?.value {
                Value::Str(s) => s.to_string(),
                _ => return None,
            };
            let pos = intro.position(c.location()?)?;
            let page = doc.pages().get(pos.page.get() - 1)?;
            let height = page.frame.height().to_pt();
            (height > 0.0).then(|| (id, pos.page.get(), pos.point.y.to_pt() / height))
        })
        .collect()
}

/// The chapters of the edition in `world`, in order.
fn chapters(world: &VlrWorld) -> Vec<Chapter> {
    /// What copyfitting reads of a chapter file (the rest is skipped, not built).
    #[derive(serde::Deserialize)]
    struct Head {
        id: String,
        kind: Option<serde::de::IgnoredAny>,
        #[serde(rename = "new-page", default)]
        new_page: bool,
    }
    (0..)
        .map(|i| document::ChapterFile::at(i).file)
        .map_while(|file| {
            let head: Head = serde_json::from_slice(world.virtual_file(&file)?).ok()?;
            Some(Chapter { file, id: head.id, text: head.kind.is_none(), new_page: head.new_page })
        })
        .collect()
}

/// The page each chapter ends on (`None`: its mark was not found).
fn end_pages(chapters: &[Chapter], ends: &[(String, usize, f64)]) -> Vec<Option<usize>> {
    chapters.iter().map(|c| ends.iter().find(|(e, ..)| *e == c.id).map(|(_, p, _)| *p)).collect()
}

/// A chapter that ends near the top of a page, and the chapters that run on
/// before it from the last one that starts a new page: copyfitted together.
struct Group {
    /// The first chapter of the run (it starts a page, or is the first).
    first: usize,
    /// The chapter that ends too soon.
    last: usize,
}

impl Group {
    /// How many pages the run takes: from the page the chapter before it ends on.
    fn pages(&self, ends: &[Option<usize>]) -> Option<usize> {
        let before = if self.first == 0 { Some(0) } else { ends[self.first - 1] };
        ends[self.last].zip(before).map(|(e, b)| e.saturating_sub(b))
    }

    /// Its chapters of text (vlr's generated chapters are not copyfitted).
    fn text<'c>(&self, chapters: &'c [Chapter]) -> impl Iterator<Item = &'c Chapter> {
        chapters[self.first..=self.last].iter().filter(|c| c.text)
    }
}

/// Sets a chapter's `tighten` (0 removes it: the file is then as written).
fn set(world: &mut VlrWorld, ch: &Chapter, steps: u8) {
    let Some(mut json) = world.virtual_file(&ch.file).and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
    else {
        return;
    };
    if let Some(obj) = json.as_object_mut() {
        if steps == 0 {
            obj.remove("tighten");
        } else {
            obj.insert("tighten".into(), steps.into());
        }
    }
    // Written as `document::to_json` writes a chapter (keys in order,
    // pretty), without copying the tree first.
    world.replace_virtual_file(&ch.file, serde_json::to_vec_pretty(&json).unwrap_or_default());
}

/// A copyfitted edition: its document and typst's diagnostics from its last
/// layout, and what copyfitting chose.
pub struct Fitted {
    pub doc: PagedDocument,
    pub diagnostics: Vec<SourceDiagnostic>,
    pub choice: Choice,
}

/// What copyfitting chose: the chapter files it changed (path, new bytes),
/// and the chapters set tighter (id, steps).
#[derive(Default)]
pub struct Choice {
    pub files: Vec<(String, Vec<u8>)>,
    pub tightened: Vec<(String, u8)>,
}

/// Copyfits the edition laid out as `first`; `Ok(None)` when no chapter
/// needed it (or none could be helped). `lean`: let go of each trial
/// layout's memoized work as the next one is made, aged that many
/// evictions (see [`super::layout`]); `None` in `vlr watch`.
/// `stop`: given up once it is set, before the next trial or at the end
/// of typst's current round.
pub fn copyfit(
    world: &mut VlrWorld,
    first: &PagedDocument,
    cf: Copyfit,
    lean: Option<usize>,
    stop: Option<&AtomicBool>,
) -> Result<Option<Fitted>, Stopped> {
    let chapters = chapters(world);
    let ends0 = ends(first);
    let pages0 = end_pages(&chapters, &ends0);
    // A chapter of text that ends near the top of a page, before a chapter
    // (or the back cover) that starts a new page; with the chapters that run
    // on before it, if the run did not start on that page.
    let mut open: Vec<Group> = (0..chapters.len())
        .filter(|&i| {
            let c = &chapters[i];
            let next_new = chapters.get(i + 1).is_none_or(|n| n.new_page);
            let near_top = ends0.iter().any(|(id, _, y)| *id == c.id && *y < cf.threshold);
            c.text && next_new && near_top
        })
        .map(|last| Group { first: (0..=last).rev().find(|&j| chapters[j].new_page).unwrap_or(0), last })
        .filter(|g| g.pages(&pages0).is_some_and(|p| p >= 1))
        // A run whose spill is more than any step could take back is left
        // as written without a trial (a one-page chapter spilling a third of
        // a page would need a quarter of it set tighter).
        .filter(|g| {
            let y = ends0.iter().find(|(id, ..)| *id == chapters[g.last].id).map_or(0.0, |(_, _, y)| *y);
            let pages = g.pages(&pages0).unwrap_or(1) as f64;
            y / (pages - 1.0 + y) <= MOST_TAKEN_BACK
        })
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    if let Some(age) = lean {
        // Aged once now, what the first layout made and the first trial does
        // not reuse is let go right after that trial, not after the second:
        // six editions searching peaked at 484-508 MB without this, 390-402
        // with it, for 3% more processor time (BENCHMARKS.md). And after
        // each trial the memory let go of is given back (385-391 MB).
        free_caches(age);
    }
    let mut chosen = vec![0u8; chapters.len()];
    let mut last: Option<(PagedDocument, Vec<SourceDiagnostic>)> = None;
    for step in 1..=cf.steps {
        if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
            return Err(Stopped);
        }
        for g in &open {
            for c in g.text(&chapters) {
                set(world, c, step);
            }
        }
        let Laid { doc, diagnostics: diags, settled, .. } = layout(world, None, stop, None)?;
        let Some(doc) = doc else { return Ok(None) };
        if let Some(age) = lean {
            // What only the layout before this one used (the chapters as
            // they were set then) is of no more use: freed, so the trials
            // do not pile up (six editions held 736 MB instead of 357).
            free_caches(age);
        }
        // Where the chapters of a layout that did not settle end is not to
        // be trusted: no run is taken as fitted by that step.
        if settled {
            let pages = end_pages(&chapters, &ends(&doc));
            open.retain(|g| {
                let fits = matches!((g.pages(&pages), g.pages(&pages0)), (Some(now), Some(was)) if now < was);
                if fits {
                    for i in g.first..=g.last {
                        if chapters[i].text {
                            chosen[i] = step;
                        }
                    }
                }
                !fits
            });
        }
        last = Some((doc, diags));
        if open.is_empty() {
            break;
        }
    }
    // A run no step helped is set as written again.
    for g in &open {
        for c in g.text(&chapters) {
            set(world, c, 0);
        }
    }
    if chosen.iter().all(|&s| s == 0) {
        return Ok(None);
    }
    let (doc, diags) = match (open.is_empty(), last) {
        (true, Some(done)) => done,
        _ => match layout(world, None, stop, None)? {
            Laid { doc: Some(doc), diagnostics, .. } => (doc, diagnostics),
            Laid { doc: None, .. } => return Ok(None),
        },
    };
    let mut choice = Choice::default();
    for (c, &steps) in chapters.iter().zip(&chosen).filter(|(_, s)| **s > 0) {
        if let Some(bytes) = world.virtual_file(&c.file) {
            choice.files.push((c.file.clone(), bytes.to_vec()));
            choice.tightened.push((c.id.clone(), steps));
        }
    }
    Ok(Some(Fitted { doc, diagnostics: diags, choice }))
}

/// Sets the chapters named in `tightened` (id, steps) that many steps
/// tighter, as copyfitting chose them before, without laying anything out:
/// `vlr watch`'s quick pass. Gives what it set, as copyfitting would.
pub fn apply(world: &mut VlrWorld, tightened: &[(String, u8)]) -> Choice {
    let mut choice = Choice::default();
    for c in chapters(world) {
        let Some(&(_, steps)) = tightened.iter().find(|(id, _)| *id == c.id) else { continue };
        if !c.text || steps == 0 {
            continue;
        }
        set(world, &c, steps);
        if let Some(bytes) = world.virtual_file(&c.file) {
            choice.files.push((c.file.clone(), bytes.to_vec()));
            choice.tightened.push((c.id.clone(), steps));
        }
    }
    choice
}
