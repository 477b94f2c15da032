//! Copyfitting (theme.toml's `[copyfit]`): a chapter whose last page would
//! hold only a few lines, before a chapter that starts a new page, is set a
//! step or two tighter so that those lines move back to the page before.
//!
//! The book is laid out once as written; the templates mark where each
//! chapter ends (`<vlr-chapter-end>`). A chapter that ends within the
//! threshold from the top of a page it did not start on is a candidate. It is
//! set one step tighter (`tighten` in its chapter file: the templates read
//! how much leading, paragraph space and letter spacing a step takes), then
//! two …, and keeps the first step that ends it a page earlier. A chapter no
//! step helps is left as written. Each step is one more layout of the edition,
//! mostly from typst's caches (the chapters before it are unchanged).

use typst::diag::SourceDiagnostic;
use typst::foundations::{Label, Selector, Value};
use typst::introspection::MetadataElem;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::{document, layout};
use crate::theme::Copyfit;
use crate::world::VlrWorld;

/// A chapter's file and what copyfitting needs to know of it.
struct Chapter {
    file: String,
    id: String,
    json: serde_json::Value,
    /// A chapter of text (vlr's generated chapters are not copyfitted).
    text: bool,
    /// It starts on a new page (numbered, generated, or with a full opener).
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
    (0..)
        .map(|i| document::ChapterFile::at(i).file)
        .map_while(|file| {
            let json: serde_json::Value = serde_json::from_slice(world.virtual_file(&file)?).ok()?;
            let id = json.get("id")?.as_str()?.to_string();
            let text = json.get("kind").is_none();
            let numbered = json.get("number").is_some_and(|n| !n.is_null());
            let new_page = numbered || !text || json.get("opener").and_then(|o| o.as_str()) == Some("full");
            Some(Chapter { file, id, json, text, new_page })
        })
        .collect()
}

/// How many pages each chapter adds: the page it ends on less the page the
/// one before it ends on (the first chapter's from page 0).
fn spans(chapters: &[Chapter], ends: &[(String, usize, f64)]) -> Vec<Option<usize>> {
    let page = |id: &str| ends.iter().find(|(e, ..)| e == id).map(|(_, p, _)| *p);
    let mut before = Some(0);
    chapters
        .iter()
        .map(|c| {
            let end = page(&c.id);
            let span = end.zip(before).map(|(e, b)| e.saturating_sub(b));
            before = end;
            span
        })
        .collect()
}

/// Sets a chapter's `tighten` (0 removes it: the file is then as written).
fn set(world: &mut VlrWorld, ch: &Chapter, steps: u8) {
    let mut json = ch.json.clone();
    if let Some(obj) = json.as_object_mut() {
        if steps == 0 {
            obj.remove("tighten");
        } else {
            obj.insert("tighten".into(), steps.into());
        }
    }
    world.replace_virtual_file(&ch.file, document::to_json(&json));
}

/// A copyfitted edition: its document and typst's diagnostics from its last
/// layout, and the chapter files copyfitting changed (path, new bytes).
pub struct Fitted {
    pub doc: PagedDocument,
    pub diagnostics: Vec<SourceDiagnostic>,
    pub files: Vec<(String, Vec<u8>)>,
}

/// Copyfits the edition laid out as `first`; `None` when no chapter needed
/// it (or none could be helped).
pub fn copyfit(world: &mut VlrWorld, first: &PagedDocument, cf: Copyfit) -> Option<Fitted> {
    let chapters = chapters(world);
    let ends0 = ends(first);
    let spans0 = spans(&chapters, &ends0);
    // A chapter of text that ends near the top of a page it did not start on,
    // before a chapter (or the back cover) that starts a new page.
    let mut open: Vec<usize> = (0..chapters.len())
        .filter(|&i| {
            let c = &chapters[i];
            let next_new = chapters.get(i + 1).is_none_or(|n| n.new_page);
            let near_top = ends0.iter().any(|(id, _, y)| *id == c.id && *y < cf.threshold);
            c.text && next_new && near_top && spans0[i].is_some_and(|s| s >= 1)
        })
        .collect();
    if open.is_empty() {
        return None;
    }
    let mut chosen = vec![0u8; chapters.len()];
    let mut last: Option<(PagedDocument, Vec<SourceDiagnostic>)> = None;
    for step in 1..=cf.steps {
        for &i in &open {
            set(world, &chapters[i], step);
        }
        let (doc, diags) = layout(world);
        let doc = doc?;
        let spans = spans(&chapters, &ends(&doc));
        open.retain(|&i| {
            let fits = matches!((spans[i], spans0[i]), (Some(now), Some(was)) if now < was);
            if fits {
                chosen[i] = step;
            }
            !fits
        });
        last = Some((doc, diags));
        if open.is_empty() {
            break;
        }
    }
    // A chapter no step helped is set as written again.
    for &i in &open {
        set(world, &chapters[i], 0);
    }
    if chosen.iter().all(|&s| s == 0) {
        return None;
    }
    let (doc, diags) = match (open.is_empty(), last) {
        (true, Some(done)) => done,
        _ => {
            let (doc, diags) = layout(world);
            (doc?, diags)
        }
    };
    let changed = chapters
        .iter()
        .zip(&chosen)
        .filter(|(_, s)| **s > 0)
        .filter_map(|(c, _)| Some((c.file.clone(), world.virtual_file(&c.file)?.to_vec())))
        .collect();
    Some(Fitted { doc, diagnostics: diags, files: changed })
}
