//! Text contrast (WCAG 2.2, 1.4.3 AA) over every text run of the six
//! editions: each run's colour against the background rendered under it.
//!
//! The page is rendered without its text (typst-render), and the background
//! is sampled inside each run's box (the band between baseline and x-height,
//! away from its ends, so a neighbouring field does not count). A run passes
//! at 4.5:1, large text (18 pt, or 14 pt bold) at 3:1. Text inside images
//! (the charts, drawn as SVG) is not a text run: the charts' ink comes from
//! the theme, checked in `src/theme.rs`.

use tiny_skia::Pixmap;
use typst::layout::{Abs, FrameItem, Point, Transform};
use typst::text::TextItem;
use typst::visualize::Paint;
use typst_layout::{Page, PagedDocument};

use crate::common;

/// Pixels per point of the background render.
const SCALE: f32 = 1.0;

/// A run that fails, for the message.
struct Failure {
    page: usize,
    text: String,
    ratio: f64,
    need: f64,
    fill: [u8; 3],
    background: [u8; 3],
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex = |c: [u8; 3]| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]);
        write!(
            f,
            "p. {}: {:?} {} on {}: {:.2}:1, needs {}:1",
            self.page,
            self.text,
            hex(self.fill),
            hex(self.background),
            self.ratio,
            self.need
        )
    }
}

/// WCAG relative luminance of an sRGB colour.
fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

fn ratio(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The page with every text run removed, at any depth.
fn without_text(page: &Page) -> Page {
    fn strip(item: &mut FrameItem) -> bool {
        match item {
            FrameItem::Text(_) => false,
            FrameItem::Group(g) => {
                g.frame.retain(strip);
                true
            }
            _ => true,
        }
    }
    let mut bare = page.clone();
    bare.frame.retain(strip);
    bare
}

/// Every text run of a frame with the transform to page coordinates.
fn runs<'a>(frame: &'a typst::layout::Frame, ts: Transform, out: &mut Vec<(Transform, Point, &'a TextItem)>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(g) => {
                let ts = ts.pre_concat(Transform::translate(pos.x, pos.y)).pre_concat(g.transform);
                runs(&g.frame, ts, out);
            }
            FrameItem::Text(t) => out.push((ts, *pos, t)),
            _ => {}
        }
    }
}

/// The demultiplied colour of a pixel.
fn pixel(p: &Pixmap, x: f64, y: f64) -> Option<[u8; 3]> {
    let (x, y) = ((x * f64::from(SCALE)) as i64, (y * f64::from(SCALE)) as i64);
    if x < 0 || y < 0 {
        return None;
    }
    let c = p.pixel(x as u32, y as u32)?.demultiply();
    // Transparent (no page fill): paper.
    if c.alpha() == 0 {
        return Some([255, 255, 255]);
    }
    Some([c.red(), c.green(), c.blue()])
}

/// The runs of one page below AA contrast, and how many runs were checked.
fn page_failures(index: usize, page: &Page) -> (Vec<Failure>, usize) {
    let options =
        typst_render::RenderOptions { pixel_per_pt: typst::utils::Scalar::new(SCALE.into()), ..Default::default() };
    let background = typst_render::render(&without_text(page), &options);
    let mut all = Vec::new();
    runs(&page.frame, Transform::identity(), &mut all);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (ts, pos, item) in all {
        if item.text.trim().is_empty() {
            continue;
        }
        let Paint::Solid(colour) = &item.fill else { continue };
        let [r, g, b, a] = colour.to_vec4_u8();
        if a == 0 {
            continue;
        }
        let size = item.size.to_pt();
        let width = item.width().to_pt();
        // Sample points inside the run's box: across its middle 80 %, in the
        // band from just above the baseline to about the x-height.
        let mut worst: Option<(f64, [u8; 3])> = None;
        for fx in [0.1, 0.3, 0.5, 0.7, 0.9] {
            for fy in [0.15, 0.35] {
                let local = Point::new(pos.x + Abs::pt(width * fx), pos.y - Abs::pt(size * fy));
                let at = local.transform(ts);
                let Some(bg) = pixel(&background, at.x.to_pt(), at.y.to_pt()) else { continue };
                // The text's colour over the background, if translucent.
                let alpha = f64::from(a) / 255.0;
                let over = |c: u8, d: u8| (f64::from(c) * alpha + f64::from(d) * (1.0 - alpha)).round() as u8;
                let fill = [over(r, bg[0]), over(g, bg[1]), over(b, bg[2])];
                let q = ratio(fill, bg);
                if worst.is_none_or(|(w, _)| q < w) {
                    worst = Some((q, bg));
                }
            }
        }
        let Some((q, bg)) = worst else { continue };
        checked += 1;
        let bold = item.font.font().info().variant.weight.to_number() >= 700;
        let large = size >= 18.0 || (bold && size >= 14.0);
        let need = if large { 3.0 } else { 4.5 };
        if q < need - 0.005 {
            failures.push(Failure {
                page: index + 1,
                text: item.text.chars().take(40).collect(),
                ratio: (q * 100.0).round() / 100.0,
                need,
                fill: [r, g, b],
                background: bg,
            });
        }
    }
    (failures, checked)
}

/// The runs of a document below AA contrast, and how many runs were checked.
fn failures(doc: &PagedDocument) -> (Vec<Failure>, usize) {
    let mut all = Vec::new();
    let mut checked = 0;
    for (i, page) in doc.pages().iter().enumerate() {
        let (f, n) = page_failures(i, page);
        all.extend(f);
        checked += n;
    }
    (all, checked)
}

#[test]
fn every_text_run_of_the_six_editions_meets_aa_contrast() {
    let repo = common::repo();
    let mut report = Vec::new();
    for lang in ["en", "zh", "ar", "es", "fr", "ru"] {
        let doc = crate::refs::compile(&repo, lang);
        let (failed, checked) = failures(&doc);
        assert!(checked > 1000, "{lang}: only {checked} text runs checked");
        report.extend(failed.into_iter().map(|f| format!("{lang} {f:?}")));
    }
    assert!(report.is_empty(), "{} text runs below AA contrast:\n{}", report.len(), report.join("\n"));
}

#[test]
fn the_contrast_check_finds_faint_text() {
    let f = common::Fixture::new("basic");
    let main = f.read("templates/main.typ");
    // Light grey on white (1.6:1), and white on a pale yellow field (1.1:1).
    let faint = "#text(fill: rgb(\"#cccccc\"))[Faint grey words]\n#box(fill: rgb(\"#fff3b0\"), inset: 4pt)[#text(fill: white)[Pale field]]\n";
    f.write("templates/main.typ", &main.replacen("#cover(d)", &format!("{faint}#cover(d)"), 1));
    let doc = crate::refs::compile(f.root(), "en");
    let (failed, _) = failures(&doc);
    let texts: Vec<&str> = failed.iter().map(|f| f.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("Faint")), "{failed:?}");
    assert!(texts.iter().any(|t| t.contains("Pale")), "{failed:?}");
}
