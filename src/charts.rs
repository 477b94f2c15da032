//! Charts: a chart spec, its figures and a language in, SVG bytes out.
//!
//! Drawn with plotters' SVG backend at pixel coordinates we lay out
//! ourselves, with every label measured in the real font (ab_glyph), so no
//! label overflows, whatever the script. Colours, label size and fonts come
//! from the book's theme (theme.toml's `[charts]` and `[fonts]`).

use std::sync::{Mutex, PoisonError};

use plotters::coord::Shift;
use plotters::element::{CoordMapper, Drawable, PointCollection};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use toml::Spanned;

use crate::data::chart_spec;
use crate::data::chart_spec::ChartWords;
use crate::data::indexed::Index;
use crate::data::keyword::Keyword;
use crate::data::model::{ChartKind, ChartSpec};
use crate::data::series::{Period, indicator_ref};
use crate::i18n::Locale;
use crate::i18n::format::{self, Scale};
use crate::theme::{ChartStyle, Colour};

/// Width of a full-width chart, px (set across the text block's 166 mm).
const W_FULL: f64 = 640.0;
/// Width of a small chart, px: set half the block wide (80 mm), as legible as
/// a full-width one (labels ≥ 7 pt at print size).
const W_SMALL: f64 = 300.0;

/// The widest a horizontal bar chart's label column may be, px: most labels
/// take one line, and the bars keep 60% of the width.
const HBAR_LABELS: f64 = W_FULL * 0.4;

/// Whether a chart has so few points that it is set half width.
pub fn is_small(p: &Prepared) -> bool {
    p.kind != ChartKind::Hbar
        && p.categories.len() * p.series.len() <= 6
        && p.categories.len() <= 4
        && words_fit(p)
        && values_fit(p)
}

/// Whether every value label fits its slot on a small chart, estimated like
/// [`words_fit`] ("1∶18.54" over a 50 px column would run into the axis).
fn values_fit(p: &Prepared) -> bool {
    let slot = (W_SMALL - 60.0) / (p.categories.len() * p.series.len()).max(1) as f64 - 6.0;
    let ratio = if p.unit.starts_with("ratio") { 2 } else { 0 };
    p.series.iter().zip(&p.decimals).all(|((_, vals), decs)| {
        vals.iter().zip(decs).all(|(v, d)| {
            let Some(v) = v else { return true };
            // As [`value_label`] writes it: on the axis' scale, grouped.
            let n = v / p.scale.divisor;
            let digits = if p.scale.divisor == 1.0 {
                format!("{n:.*}", usize::from(d.unwrap_or(0)))
            } else {
                ((n * 1e4).round() / 1e4).to_string()
            };
            let int = digits.split('.').next().map_or(0, str::len);
            let chars = digits.len() + int.saturating_sub(1) / 3 + ratio;
            chars as f64 * 0.6 * 14.0 <= slot
        })
    })
}

/// Whether every word of every category label fits its slot on a small
/// chart (a word is never broken: "Профессиональная" needs the full width).
/// Estimated at 0.6 em a character of 14 px, the widest labels' average.
fn words_fit(p: &Prepared) -> bool {
    let slot = (W_SMALL - 60.0) / p.categories.len().max(1) as f64 - 6.0;
    p.categories.iter().flat_map(|c| c.split_whitespace()).all(|w| w.chars().count() as f64 * 0.6 * 14.0 <= slot)
}

/// About how many characters of a category label fit a line, as [`wrap`]
/// breaks it: under its column on a full-width chart (ticks about 40 px
/// wide), beside its bar on a horizontal one. A word longer than that is
/// not broken and runs over. Estimated like `words_fit`: 14 px, 0.6 em a
/// character, 1 em in CJK.
pub fn category_chars(kind: ChartKind, categories: usize, cjk: bool) -> usize {
    let width =
        if kind == ChartKind::Hbar { HBAR_LABELS } else { (W_FULL - 8.0 - 52.0) / categories.max(1) as f64 - 6.0 };
    let ch = if cjk { 14.0 } else { 0.6 * 14.0 };
    (width / ch).floor().max(1.0) as usize
}

/// The height of a horizontal bar chart's row, px: as tall as its bars need,
/// and as its longest category label (`lines` lines of a `px` label) with a
/// half line's space to the next.
fn hbar_row(p: &Prepared, lines: usize, px: f64) -> f64 {
    let k = p.series.len().max(1) as f64;
    let text = hbar_leading(px) * (lines.max(1) as f64 + 0.6);
    (14.0 + 16.0 * k).max(30.0).max(text)
}

/// Line height of a horizontal bar's label: 1.2 times its drawn size.
fn hbar_leading(px: f64) -> f64 {
    px / 1.24 * 1.2
}

/// Line height of a column's label, in label sizes.
const LEADING: f64 = 1.25;

/// The canvas of a chart, px: width by its kind, height by its category
/// count (and on horizontal bars, by its labels' `lines`).
fn canvas(p: &Prepared, lines: usize, px: f64) -> (f64, f64) {
    let n = p.categories.len().max(1) as f64;
    if p.kind == ChartKind::Hbar {
        // A row per category.
        (W_FULL, (60.0 + n * hbar_row(p, lines, px)).clamp(120.0, 640.0))
    } else if is_small(p) {
        (W_SMALL, 230.0)
    } else {
        (W_FULL, if n <= 6.0 { 280.0 } else { 340.0 })
    }
}
/// A chart ready to draw: labels and values in one language.
pub struct Prepared {
    /// What it draws.
    pub kind: ChartKind,
    /// Category labels (only categories with at least one known value).
    pub categories: Vec<String>,
    /// Series labels and values.
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// Decimals each value was written with, for its label.
    pub decimals: Vec<Vec<Option<u8>>>,
    /// Axis scale and unit words.
    pub scale: Scale,
    /// e.g. "billion yuan", or the chart's axis title.
    pub unit_words: String,
    /// The chart's unit.
    pub unit: String,
    /// Categories dropped for lack of data.
    pub dropped: Vec<String>,
    /// Horizontal lines: value and label (targets, guidelines).
    pub lines: Vec<(f64, String)>,
    /// Whether the categories are periods (a missing one is kept as a gap).
    pub by_period: bool,
    /// The word for a missing value, drawn in a gap.
    pub gap_word: String,
    /// Whether its four-digit labels are grouped like its longer ones
    /// ([`Locale::groups_four_in`]: Russian "3 103" beside "16 025").
    pub group_four: bool,
}

/// The largest known value of any series (0 if none).
fn largest(series: &[(String, Vec<Option<f64>>)]) -> f64 {
    series.iter().flat_map(|(_, v)| v.iter().flatten()).fold(0.0f64, |a, b| a.max(*b))
}

/// Categories, series, their decimals, dropped categories, and whether the categories are periods.
type Layout = (Vec<String>, Vec<(String, Vec<Option<f64>>)>, Vec<Vec<Option<u8>>>, Vec<String>, bool);

/// Resolves a chart's values and labels for a language; `label` gives an indicator's label.
pub fn prepare(
    idx: &Index,
    spec: &ChartSpec,
    text: Option<&ChartWords>,
    loc: &Locale,
    label: &dyn Fn(&str) -> String,
) -> Prepared {
    let strings = &loc.strings;
    let unit = chart_spec::unit(idx, spec).unwrap_or("count").to_string();
    let key_label = |map: Option<&std::collections::BTreeMap<String, String>>, key: &str| {
        map.and_then(|m| m.get(key)).cloned().unwrap_or_else(|| key.to_string())
    };
    let mut lines = Vec::new();
    for r in &spec.reference {
        let l = key_label(text.map(|t| &t.references), r.key.get_ref());
        lines.push((*r.value.get_ref(), l));
    }
    let (categories, series, decimals, dropped, by_period): Layout = if spec.indicators.is_empty() {
        // A chart of categories: one indicator (at the edition, or `id@period`) per point.
        let point = |v: &Spanned<String>| -> Option<(f64, Option<u8>)> {
            let (id, period) = indicator_ref(v.get_ref());
            let period = period.and_then(|p| Period::parse(p).ok());
            let ind = idx.indicators.get(id)?;
            let pt = match period {
                Some(p) => ind.series.at(&p)?,
                None => ind.current(idx.edition)?.1,
            };
            Some((pt.value?, pt.decimals))
        };
        let keep: Vec<bool> = (0..spec.categories.len())
            .map(|i| spec.series.iter().any(|s| s.values.get(i).and_then(point).is_some()))
            .collect();
        let pick = |want: bool| -> Vec<String> {
            spec.categories
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k == want)
                .map(|(c, _)| key_label(text.map(|t| &t.categories), c.get_ref()))
                .collect()
        };
        let mut series = Vec::new();
        let mut decimals = Vec::new();
        for s in &spec.series {
            // A series with fewer values than categories has gaps at the end (validation reports it).
            let pts: Vec<Option<(f64, Option<u8>)>> =
                (0..spec.categories.len()).filter(|i| keep[*i]).map(|i| s.values.get(i).and_then(point)).collect();
            series.push((
                key_label(text.map(|t| &t.series), s.key.get_ref()),
                pts.iter().map(|p| p.map(|p| p.0)).collect(),
            ));
            decimals.push(pts.iter().map(|p| p.and_then(|p| p.1)).collect());
        }
        (pick(true), series, decimals, pick(false), false)
    } else {
        let axis = chart_spec::periods(idx, spec);
        let mut series = Vec::new();
        let mut decimals = Vec::new();
        for i in &spec.indicators {
            let Some(ind) = idx.indicators.get(i.get_ref().as_str()) else { continue };
            let pts: Vec<Option<(f64, Option<u8>)>> =
                axis.iter().map(|p| ind.series.at(p).and_then(|pt| Some((pt.value?, pt.decimals)))).collect();
            let name = text.and_then(|t| t.series.get(i.get_ref())).cloned().unwrap_or_else(|| label(i.get_ref()));
            series.push((name, pts.iter().map(|p| p.map(|p| p.0)).collect()));
            decimals.push(pts.iter().map(|p| p.and_then(|p| p.1)).collect());
            if spec.targets
                && let Some((period, v, _)) = &ind.target
            {
                lines.push((*v, strings.target.replace("{period}", &period.label)));
            }
        }
        // A period the chart's texts do not label (next year's) is written as the language writes a year.
        let labels = axis
            .iter()
            .map(|p| match text.and_then(|t| t.categories.get(&p.label)) {
                Some(l) => l.clone(),
                None => strings.period.replace("{period}", &p.label),
            })
            .collect();
        (labels, series, decimals, Vec::new(), true)
    };
    let max = largest(&series).max(lines.iter().map(|l| l.0).fold(0.0, f64::max));
    let (mut scale, mut words) = loc.axis(&unit, max);
    // A scale on which a value would need more decimals than the language
    // writes (Chinese 0.0221万 for 221) is dropped: the values are written in full.
    let values = series.iter().flat_map(|(_, v)| v.iter().flatten()).chain(lines.iter().map(|l| &l.0));
    if scale.divisor > 1.0 && !values.clone().all(|v| loc.keeps_digits(*v, scale.divisor)) {
        (scale, words) = loc.axis(&unit, 0.0);
    }
    // A ratio axis is numbered plainly (see [`tick`]): a single series' label
    // ("Students per teacher") says what the numbers are.
    let words = match &series[..] {
        [(name, _)] if words.is_empty() && matches!(unit.as_str(), "ratio" | "ratio-to-1") => name.clone(),
        _ => words,
    };
    let unit_words = text.and_then(|t| t.axis.clone()).unwrap_or(words);
    // One chart's numbers, its ticks (up to the axis' top) and its values, are
    // grouped alike.
    let top = nice_axis(max).1;
    let shown = series.iter().flat_map(|(_, v)| v.iter().flatten().copied()).chain([top]);
    let group_four = loc.groups_four_in(shown.map(|v| v / scale.divisor));
    Prepared {
        kind: *spec.kind.get_ref(),
        categories,
        series,
        decimals,
        scale,
        unit_words,
        unit,
        dropped,
        lines,
        by_period,
        gap_word: strings.not_available.clone(),
        group_four,
    }
}

/// The chart fonts registered so far, by family, with their parsed face
/// (`None` if it did not parse).
type Faces = Vec<(String, Option<&'static Measured>)>;

/// The characters whose advances [`Measured`] keeps in a table: Latin,
/// Greek, Cyrillic and Arabic (others are looked up in the font's cmap).
const TABLED: usize = 0x800;

/// A parsed chart face, with the advance of each character below
/// [`TABLED`] read once: a chart's labels are measured again and again
/// while they are fitted, and a cmap lookup per character was 1.5 ms of
/// each watch rebuild.
struct Measured {
    face: ttf_parser::Face<'static>,
    /// In font units; the fallback width for a character the face lacks.
    advances: Box<[f64]>,
    /// The face for shaping, for text whose letters join (Arabic).
    shaper: rustybuzz::Face<'static>,
}

impl Measured {
    fn new(face: ttf_parser::Face<'static>) -> Self {
        let advances = (0..TABLED as u32).map(|c| char::from_u32(c).map_or(0.0, |c| advance(&face, c))).collect();
        let shaper = rustybuzz::Face::from_face(face.clone());
        Self { face, advances, shaper }
    }

    /// The width of `text` in font units. Text in a joining script is
    /// shaped, as typst shapes it when it draws the chart: an Arabic letter
    /// joined to its neighbours is narrower than alone, and the sum of the
    /// letters' own advances measured Arabic labels up to a third too wide.
    /// Other text is the sum of its characters' advances.
    fn width(&self, text: &str) -> f64 {
        if !text.chars().any(joins) {
            return text.chars().map(|c| self.advance(c)).sum();
        }
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        shaped.glyph_positions().iter().map(|p| f64::from(p.x_advance)).sum()
    }

    /// The advance of `c` in font units.
    fn advance(&self, c: char) -> f64 {
        self.advances.get(c as usize).copied().unwrap_or_else(|| advance(&self.face, c))
    }
}

/// The advance of `c` in a face's units; 0.6 em where it has no glyph.
fn advance(face: &ttf_parser::Face, c: char) -> f64 {
    face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(f64::from(face.units_per_em()) * 0.6, f64::from)
}

static FACES: Mutex<Faces> = Mutex::new(Vec::new());

/// Registers chart fonts with plotters (and our measurer), each family once
/// per process: an edition registers its script's. plotters keeps fonts for
/// the life of the process, so a family's bytes are kept alive from here on:
/// the bytes typst reads, shared rather than copied (a CJK face is 8 MB),
/// and never again (watch mode's font rescans leak nothing more; a family
/// the theme names later is added then). An edition that sets no Chinese
/// never loads the CJK chart face.
pub fn register_fonts<'a>(fonts: &crate::fonts::Fonts, families: impl IntoIterator<Item = &'a str>) {
    let mut faces = FACES.lock().unwrap_or_else(PoisonError::into_inner);
    for fam in families {
        if faces.iter().any(|(f, _)| f == fam) {
            continue;
        }
        if let Some((bytes, index)) = fonts.family_bytes(fam) {
            let bytes: &'static [u8] = Box::leak(Box::new(bytes)).as_slice();
            let _ = register_font(fam, FontStyle::Normal, bytes);
            // Parsed once: a CJK face's charset takes a while to parse.
            let face = ttf_parser::Face::parse(bytes, index).ok().map(|f| &*Box::leak(Box::new(Measured::new(f))));
            faces.push((fam.to_string(), face));
        }
    }
}

/// Width in px of `text` at `px` in a family, from the font's advances.
/// (plotters' ab_glyph layout scales by line height, not em, and under-measures.)
pub fn text_width(family: &str, text: &str, px: f64) -> Option<f64> {
    let face = {
        let faces = FACES.lock().unwrap_or_else(PoisonError::into_inner);
        faces.iter().find(|(f, _)| f == family)?.1?
    };
    let upem = f64::from(face.face.units_per_em());
    Some(face.width(text) * px / upem)
}

/// Whether `c` is a letter of a joining script (Arabic, in its blocks).
fn joins(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Formats a value on the chart's axis scale. A ratio axis is numbered
/// plainly (0, 5 … 25 students per teacher, its title says what): "1:25" ticks
/// crowd the bars' own "1:18.54" labels.
fn tick(loc: &Locale, p: &Prepared, v: f64) -> String {
    loc.number_in_set((v / p.scale.divisor * 1e4).round() / 1e4, None, p.group_four)
}

/// Formats a data value: as written in the source when unscaled.
fn value_label(loc: &Locale, p: &Prepared, si: usize, ci: usize, v: f64) -> String {
    let written = p.decimals.get(si).and_then(|d| d.get(ci)).copied().flatten();
    tick_with(loc, p, v, if p.scale.divisor == 1.0 { written } else { None })
}

fn tick_with(loc: &Locale, p: &Prepared, v: f64, decimals: Option<u8>) -> String {
    let n = v / p.scale.divisor;
    let s = loc.number_in_set((n * 1e4).round() / 1e4, decimals, p.group_four);
    // A ratio of 1:0 does not exist. Only "1:n" ratios print their pattern
    // (the language's ratio sign: Chinese ∶).
    if p.unit == "ratio" && n != 0.0 { loc.ratio(&p.unit, &s) } else { s }
}

/// Draws the chart as SVG, in the theme's chart style; `accent` (the
/// chapter's goal colour) is its first series' colour.
pub fn render(p: &Prepared, loc: &Locale, style: &ChartStyle, accent: Option<Colour>) -> Result<String, String> {
    let family = style.font(loc.script);
    // Horizontal bars' labels, wrapped beside their bars: they set the rows' height.
    let labels: Vec<Vec<String>> = if p.kind == ChartKind::Hbar {
        p.categories.iter().map(|cat| wrap(cat, HBAR_LABELS, |s| label_width(family, s, style.label_px))).collect()
    } else {
        Vec::new()
    };
    let lines = labels.iter().map(Vec::len).max().unwrap_or(1);
    let (w, h) = canvas(p, lines, style.label_px);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w as u32, h as u32)).into_drawing_area();
        let tinted = accent.is_some() && style.second_tint.is_some();
        let palette = palette(style, accent);
        // The colours repeat as often as the theme's palette is long (and the tint).
        let cycle = (style.palette.len() + usize::from(tinted)).min(palette.len());
        let c = Canvas {
            root,
            w,
            h,
            rtl: loc.rtl,
            family: style.font(loc.script),
            px: style.label_px,
            ink: rgb(style.ink),
            grid: rgb(style.grid),
            muted: rgb(style.muted),
            palette,
            cycle,
            tinted,
        };
        // On horizontal bars the unit words stand over the bars, not over the labels.
        let label_w = labels.iter().flatten().map(|l| c.width(l)).fold(0.0, f64::max);
        let unit_x = if p.kind == ChartKind::Hbar { label_w + 12.0 } else { 4.0 };
        let y0 = c.head(p, unit_x)?;
        let axis = Axis::new(p);
        match p.kind {
            ChartKind::Hbar => hbar(&c, p, loc, &axis, y0, &labels, label_w)?,
            ChartKind::Bar | ChartKind::GroupedBar => {
                let plot = c.plot(p, loc, &axis, y0)?;
                columns(&c, p, loc, &plot)?;
                c.finish(p, &plot)?;
            }
            ChartKind::Line => {
                let plot = c.plot(p, loc, &axis, y0)?;
                line(&c, p, loc, &plot)?;
                c.finish(p, &plot)?;
            }
        }
        c.root.present().map_err(|e| e.to_string())?;
    }
    Ok(tight_text(&svg))
}

/// The SVG with each `<text>`'s vertical offset folded into its `y`.
/// plotters aligns text with `dy` ("0.76em", "0.5ex"), but a `dy` moves only
/// the first character: a renderer sets that character apart, so an Arabic
/// label lost its first letter's joining ("ا لناتج", "ـحجم"). Its content is
/// taken off the line breaks plotters writes around it.
fn tight_text(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else { break };
        let Some(close) = rest[open_end..].find("</text>").map(|i| open_end + i) else { break };
        out.push_str(&rest[..start]);
        out.push_str(&fold_dy(&rest[start..open_end]));
        out.push_str(rest[open_end..close].trim_matches(['\n', '\r']));
        out.push_str("</text>");
        rest = &rest[close + "</text>".len()..];
    }
    out.push_str(rest);
    out
}

/// A `<text …>` start tag with its `dy` added to its `y` (em: the font size;
/// ex: half of it).
fn fold_dy(tag: &str) -> String {
    let attr = |name: &str| -> Option<(usize, usize, &str)> {
        let key = format!(" {name}=\"");
        let at = tag.find(&key)? + key.len();
        let end = at + tag[at..].find('"')?;
        Some((at - key.len(), end + 1, &tag[at..end]))
    };
    let (Some((ys, ye, y)), Some((ds, de, dy)), Some((_, _, size))) = (attr("y"), attr("dy"), attr("font-size")) else {
        return tag.to_string();
    };
    let (Ok(y), Ok(size)) = (y.parse::<f64>(), size.parse::<f64>()) else { return tag.to_string() };
    let shift = match (dy.strip_suffix("em"), dy.strip_suffix("ex")) {
        (Some(n), _) => n.parse::<f64>().ok().map(|n| n * size),
        (_, Some(n)) => n.parse::<f64>().ok().map(|n| n * size / 2.0),
        _ => None,
    };
    let Some(shift) = shift.filter(|_| ys < ds) else { return tag.to_string() };
    // Remove `dy` first (it comes after `y`), then rewrite `y`.
    let mut t = format!("{}{}", &tag[..ds], &tag[de..]);
    t.replace_range(ys..ye, &format!(" y=\"{:.2}\"", y + shift));
    t
}

/// `c` at strength `t` (0 to 1) over white.
fn tint(c: Colour, t: f64) -> Colour {
    let mix = |v: u8| (255.0 - (255.0 - f64::from(v)) * t).round() as u8;
    Colour(mix(c.0), mix(c.1), mix(c.2))
}

/// Width in px of `s` as drawn at label size `px` in `family` (plotters
/// writes font-size = size / 1.24).
fn label_width(family: &str, s: &str, px: f64) -> f64 {
    let drawn = px / 1.24;
    text_width(family, s, drawn).unwrap_or(s.chars().count() as f64 * drawn)
}

/// A theme colour as plotters takes it.
fn rgb(c: Colour) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Where a chart is drawn: its surface and size, its script's direction and
/// font, and its colours. Every label is measured in the font it is drawn in.
struct Canvas<'a> {
    root: DrawingArea<SVGBackend<'a>, Shift>,
    w: f64,
    h: f64,
    /// Right-to-left scripts mirror the chart: axis on the right, bars growing leftwards.
    rtl: bool,
    family: &'a str,
    /// Label size, px.
    px: f64,
    ink: RGBColor,
    grid: RGBColor,
    muted: RGBColor,
    /// Series colours, in order.
    palette: Vec<RGBColor>,
    /// How many series colours there are before they repeat.
    cycle: usize,
    /// Whether the second colour is a tint of the first (it is then outlined in the first).
    tinted: bool,
}

impl<'a> Canvas<'a> {
    /// An x coordinate, mirrored for a right-to-left script.
    fn x(&self, x: f64) -> i32 {
        (if self.rtl { self.w - x } else { x }) as i32
    }

    /// Width and height of `s` at `px`, as drawn.
    fn measure(&self, s: &str, px: f64) -> (f64, f64) {
        (label_width(self.family, s, px), px / 1.24 * 1.2)
    }

    /// Width of `s` at the label size.
    fn width(&self, s: &str) -> f64 {
        self.measure(s, self.px).0
    }

    /// The colour of series `si`.
    fn series(&self, si: usize) -> RGBColor {
        self.palette[si % self.cycle]
    }

    /// A bar of series `si` over `corners`: filled in its colour, and a tint
    /// outlined in the colour it is a tint of, so it holds its edge on white.
    fn bar(&self, si: usize, corners: [(i32, i32); 2]) -> Result<(), String> {
        self.draw(&Rectangle::new(corners, self.series(si).filled()))?;
        if self.tinted && si % self.cycle == 1 {
            self.draw(&Rectangle::new(corners, self.palette[0].stroke_width(1)))?;
        }
        Ok(())
    }

    /// Draws `s` at (x, y), anchored at `pos` (mirrored for right-to-left scripts).
    fn text(&self, s: &str, x: f64, y: f64, px: f64, pos: Pos, colour: &RGBColor) -> Result<(), String> {
        if s.trim().is_empty() {
            return Ok(()); // e.g. no unit words for a plain count
        }
        let h = match (self.rtl, pos.h_pos) {
            (true, HPos::Left) => HPos::Right,
            (true, HPos::Right) => HPos::Left,
            (_, h) => h,
        };
        let style = (self.family, px).into_font().color(colour).pos(Pos::new(h, pos.v_pos));
        self.draw(&Text::new(s.to_string(), (self.x(x), y as i32), style))
    }

    /// Draws an element at pixel coordinates.
    fn draw<'e, E, B>(&self, e: &'e E) -> Result<(), String>
    where
        B: CoordMapper,
        &'e E: PointCollection<'e, (i32, i32), B>,
        E: Drawable<SVGBackend<'a>, B>,
    {
        self.root.draw(e).map_err(|e| e.to_string())
    }

    /// A dashed line (targets, reference values), in ink.
    fn dashed(&self, from: (i32, i32), to: (i32, i32)) -> Result<(), String> {
        let (dx, dy) = (f64::from(to.0 - from.0), f64::from(to.1 - from.1));
        let len = dx.hypot(dy).max(1.0);
        let (dash, gap) = (6.0, 4.0);
        let mut t = 0.0;
        while t < len {
            let e = (t + dash).min(len);
            let at = |d: f64| ((f64::from(from.0) + dx * d / len) as i32, (f64::from(from.1) + dy * d / len) as i32);
            self.draw(&PathElement::new(vec![at(t), at(e)], self.ink.stroke_width(1)))?;
            t = e + gap;
        }
        Ok(())
    }

    /// The unit words at the top left and, for several series, the legend at
    /// the top right; returns where the plot begins.
    fn head(&self, p: &Prepared, unit_x: f64) -> Result<f64, String> {
        let y0 = 8.0;
        let top = Pos::new(HPos::Left, VPos::Top);
        self.text(&p.unit_words, unit_x, y0, self.px, top, &self.ink)?;
        if p.series.len() > 1 {
            let mut x = self.w - 4.0;
            for (i, (name, _)) in p.series.iter().enumerate().rev() {
                x -= self.width(name);
                self.text(name, x, y0, self.px, top, &self.ink)?;
                x -= 16.0;
                let square = [(self.x(x), (y0 + 2.0) as i32), (self.x(x + 11.0), (y0 + 13.0) as i32)];
                self.bar(i, square)?;
                x -= 14.0;
            }
        }
        Ok(y0 + (self.measure("Hg", self.px).1 + 12.0))
    }

    /// The plot area of a vertical chart (columns, line), drawn: grid lines,
    /// value ticks and category labels.
    fn plot(&self, p: &Prepared, loc: &Locale, axis: &Axis, y0: f64) -> Result<Plot, String> {
        let tick_w = axis.ticks.iter().map(|t| self.width(&tick(loc, p, *t))).fold(0.0, f64::max);
        let (x0, x1) = (tick_w + 12.0, self.w - 8.0);
        let slot = (x1 - x0) / p.categories.len().max(1) as f64;
        // At most a slot less one em wide: neighbouring labels keep at least
        // an em between them, and read as two (measured in the face they
        // are drawn in, a label fills its slot to the pixel).
        let label_lines = p.categories.iter().map(|c| wrap(c, slot - self.px, |s| self.width(s))).collect::<Vec<_>>();
        let rows = label_lines.iter().map(Vec::len).max().unwrap_or(1) as f64;
        let y1 = self.h - 8.0 - rows * self.px * LEADING;
        let plot = Plot { x0, x1, y0, y1, slot, top: axis.top };
        for t in &axis.ticks {
            let y = plot.y(*t);
            self.draw(&PathElement::new(vec![(self.x(x0), y as i32), (self.x(x1), y as i32)], self.grid))?;
            self.text(&tick(loc, p, *t), x0 - 6.0, y, self.px, Pos::new(HPos::Right, VPos::Center), &self.ink)?;
        }
        for (ci, lines) in label_lines.iter().enumerate() {
            for (li, l) in lines.iter().enumerate() {
                let y = y1 + 6.0 + self.px * LEADING * li as f64;
                self.text(l, plot.cx(ci), y, self.px, Pos::new(HPos::Center, VPos::Top), &self.ink)?;
            }
        }
        Ok(plot)
    }

    /// A vertical chart's reference lines and its baseline, over its data.
    fn finish(&self, p: &Prepared, plot: &Plot) -> Result<(), String> {
        let (x0, x1) = (self.x(plot.x0), self.x(plot.x1));
        for (v, label) in &p.lines {
            let y = plot.y(*v);
            self.dashed((x0, y as i32), (x1, y as i32))?;
            let pos = Pos::new(HPos::Right, VPos::Bottom);
            self.text(label, plot.x1, y - 3.0, self.px * 0.85, pos, &self.ink)?;
        }
        self.draw(&PathElement::new(vec![(x0, plot.y1 as i32), (x1, plot.y1 as i32)], self.ink))
    }
}

/// The value axis: its top and its ticks.
struct Axis {
    top: f64,
    ticks: Vec<f64>,
}

impl Axis {
    /// A "nice" axis for the chart's values and reference lines.
    fn new(p: &Prepared) -> Axis {
        let max = largest(&p.series).max(p.lines.iter().map(|l| l.0).fold(0.0, f64::max));
        let (mut step, mut top) = nice_axis(max);
        // A share never exceeds 100%: the axis stops there when the data allow.
        if p.unit == "percent" && max <= 100.0 && top > 100.0 {
            top = 100.0;
            if (100.0 / step).fract() != 0.0 {
                step = 20.0;
            }
        }
        let ticks = (0..).map(|i| f64::from(i) * step).take_while(|t| *t <= top + step * 1e-9).collect();
        Axis { top, ticks }
    }
}

/// The plot area of a vertical chart, px: a slot per category.
struct Plot {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    slot: f64,
    top: f64,
}

impl Plot {
    /// The y of a value.
    fn y(&self, v: f64) -> f64 {
        self.y1 - (self.y1 - self.y0) * v / self.top
    }

    /// The x of category `ci`'s centre.
    fn cx(&self, ci: usize) -> f64 {
        self.x0 + self.slot * (ci as f64 + 0.5)
    }
}

/// Horizontal bars: a row per category, its label (`labels`, wrapped, at
/// most `label_w` wide) at the start side, centred on its bars.
fn hbar(
    c: &Canvas,
    p: &Prepared,
    loc: &Locale,
    axis: &Axis,
    y0: f64,
    labels: &[Vec<String>],
    label_w: f64,
) -> Result<(), String> {
    let px = c.px;
    let (x0, x1, y1) = (label_w + 12.0, c.w - 70.0, c.h - 24.0);
    let top = axis.top;
    let slot = (y1 - y0) / p.categories.len().max(1) as f64;
    for t in &axis.ticks {
        let x = x0 + (x1 - x0) * t / top;
        c.draw(&PathElement::new(vec![(c.x(x), y0 as i32), (c.x(x), y1 as i32)], c.grid))?;
        c.text(&tick(loc, p, *t), x, y1 + 4.0, px, Pos::new(HPos::Center, VPos::Top), &c.ink)?;
    }
    let k = p.series.len() as f64;
    let bh = (slot * 0.7 / k).min(24.0);
    let lh = hbar_leading(px);
    for (ci, lines) in labels.iter().enumerate() {
        let cy = y0 + slot * (ci as f64 + 0.5);
        for (li, l) in lines.iter().enumerate() {
            let y = cy - lh * (lines.len() as f64 - 1.0) / 2.0 + lh * li as f64;
            c.text(l, x0 - 8.0, y, px, Pos::new(HPos::Right, VPos::Center), &c.ink)?;
        }
        for (si, (_, vals)) in p.series.iter().enumerate() {
            let y = cy - bh * k / 2.0 + bh * si as f64;
            let start = Pos::new(HPos::Left, VPos::Center);
            let Some(v) = vals.get(ci).copied().flatten() else {
                if p.by_period {
                    c.text(&p.gap_word, x0 + 4.0, y + bh / 2.0, px * 0.85, start, &c.muted)?;
                }
                continue;
            };
            // A small value keeps a visible bar (2 px), never a hairline.
            let x = (x0 + (x1 - x0) * v / top).max(if v > 0.0 { x0 + 2.0 } else { x0 });
            c.bar(si, [(c.x(x0), y as i32), (c.x(x), (y + bh - 1.0) as i32)])?;
            c.text(&value_label(loc, p, si, ci, v), x + 4.0, y + bh / 2.0, px, start, &c.ink)?;
        }
    }
    for (v, label) in &p.lines {
        let x = x0 + (x1 - x0) * v / top;
        c.dashed((c.x(x), y0 as i32), (c.x(x), y1 as i32))?;
        c.text(label, x, y0 - 2.0, px * 0.85, Pos::new(HPos::Center, VPos::Bottom), &c.ink)?;
    }
    c.draw(&PathElement::new(vec![(c.x(x0), y0 as i32), (c.x(x0), y1 as i32)], c.ink))
}

/// Columns: a column per series in each category's slot, its value above it.
fn columns(c: &Canvas, p: &Prepared, loc: &Locale, plot: &Plot) -> Result<(), String> {
    let px = c.px;
    let k = p.series.len() as f64;
    let bw = (plot.slot * 0.7 / k).min(64.0);
    let y1 = plot.y1;
    let above = Pos::new(HPos::Center, VPos::Bottom);
    for ci in 0..p.categories.len() {
        let cx = plot.cx(ci);
        for (si, (_, vals)) in p.series.iter().enumerate() {
            let x = cx - bw * k / 2.0 + bw * si as f64;
            let Some(v) = vals.get(ci).copied().flatten() else {
                if p.by_period {
                    c.text(&p.gap_word, x + bw / 2.0, y1 - 3.0, px * 0.85, above, &c.muted)?;
                }
                continue;
            };
            let column = [
                (c.x(x + 1.0), plot.y(v).min(if v > 0.0 { y1 - 2.0 } else { y1 }) as i32),
                (c.x(x + bw - 1.0), y1 as i32),
            ];
            c.bar(si, column)?;
            let label = value_label(loc, p, si, ci, v);
            let size = if c.width(&label) > bw + 4.0 && k > 1.0 { px * 0.85 } else { px };
            c.text(&label, x + bw / 2.0, plot.y(v) - 3.0, size, above, &c.ink)?;
        }
    }
    Ok(())
}

/// Lines: each series' points joined where neighbouring periods are known, each point labelled.
fn line(c: &Canvas, p: &Prepared, loc: &Locale, plot: &Plot) -> Result<(), String> {
    let above = Pos::new(HPos::Center, VPos::Bottom);
    for (si, (_, vals)) in p.series.iter().enumerate() {
        let colour = c.series(si);
        // A line joins neighbouring points only: a missing period is a gap.
        let mut segment: Vec<(i32, i32)> = Vec::new();
        for (i, v) in vals.iter().chain(std::iter::once(&None)).enumerate() {
            match v {
                Some(v) => segment.push((c.x(plot.cx(i)), plot.y(*v) as i32)),
                None => {
                    if segment.len() > 1 {
                        c.draw(&PathElement::new(segment.clone(), colour.stroke_width(2)))?;
                    }
                    segment.clear();
                }
            }
        }
        for (i, v) in vals.iter().enumerate() {
            let x = plot.cx(i);
            let Some(v) = v else {
                if p.by_period && si == 0 && p.series.iter().all(|(_, vs)| vs.get(i).copied().flatten().is_none()) {
                    c.text(&p.gap_word, x, plot.y1 - 4.0, c.px * 0.85, above, &c.muted)?;
                }
                continue;
            };
            let y = plot.y(*v);
            c.draw(&Circle::new((c.x(x), y as i32), 4, colour.filled()))?;
            c.text(&value_label(loc, p, si, i, *v), x, y - 8.0, c.px, above, &c.ink)?;
        }
    }
    Ok(())
}

/// The series colours: the chapter's goal colour first, then (with the
/// theme's `second-tint`) its tint, then the theme's palette.
fn palette(style: &ChartStyle, accent: Option<Colour>) -> Vec<RGBColor> {
    let mut colours = Vec::with_capacity(style.palette.len() + 2);
    colours.extend(accent.map(rgb));
    if let (Some(a), Some(t)) = (accent, style.second_tint) {
        colours.push(rgb(tint(a, t)));
    }
    let first = colours.first().copied();
    colours.extend(style.palette.iter().map(|c| rgb(*c)).filter(|c| Some(*c) != first));
    colours
}

/// A "nice" tick step and axis top for values up to `max`.
pub fn nice_axis(max: f64) -> (f64, f64) {
    if max <= 0.0 {
        return (1.0, 1.0);
    }
    let raw = max * 1.1 / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    (step, (max * 1.08 / step).ceil() * step)
}

/// Characters a line may not begin with: closing punctuation, small kana and
/// marks that belong to what precedes them (Chinese and Japanese line breaking).
const NO_START: &str =
    "，。、．：；！？）」』》〉】〕〗〙〛｝〞”’…‥·・ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ%％,.:;!?)]}∶";
/// Characters a line may not end with: opening punctuation.
const NO_END: &str = "（「『《〈【〔〖〘〚｛〝“‘([{";
/// The word joiner: no break on either side of it (it is not drawn).
const JOINER: char = '\u{2060}';

/// The pieces of a line of a label that it may break between, each with
/// whether a space follows it: words at spaces, and in CJK text between
/// characters, except before closing or after opening punctuation, inside a
/// run of Latin letters or digits ("2019", "eWTP"), or at a word joiner.
fn pieces(line: &str) -> Vec<(String, bool)> {
    let cjk = crate::data::markup::is_cjk;
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    let mut joined = false;
    for ch in line.chars() {
        if ch == JOINER {
            joined = true;
            continue;
        }
        if ch == ' ' || ch == '\t' {
            if !cur.is_empty() {
                out.push((std::mem::take(&mut cur), true));
            } else if let Some(last) = out.last_mut() {
                last.1 = true;
            }
            prev = None;
            joined = false;
            continue;
        }
        let breaks = prev.is_some_and(|a| {
            !joined && (cjk(a) || cjk(ch)) && !NO_START.contains(ch) && !NO_END.contains(a) && !cur.is_empty()
        });
        if breaks {
            out.push((std::mem::take(&mut cur), false));
        }
        cur.push(ch);
        prev = Some(ch);
        joined = false;
    }
    if !cur.is_empty() {
        out.push((cur, false));
    }
    out
}

/// Lines of `pieces` filled up to `width`.
fn fill(pieces: &[(String, bool)], width: f64, measure: &impl Fn(&str) -> f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut space = false;
    for (piece, after) in pieces {
        let candidate =
            if cur.is_empty() { piece.clone() } else { format!("{cur}{}{piece}", if space { " " } else { "" }) };
        if !cur.is_empty() && measure(&candidate) > width {
            lines.push(std::mem::replace(&mut cur, piece.clone()));
        } else {
            cur = candidate;
        }
        space = *after;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Breaks a label into lines no wider than `width` (a piece wider than that
/// stands on a line of its own): at spaces, and in CJK text between
/// characters by the rules of `pieces`; a line break in the label is kept.
/// The lines are balanced, so no short last line stands alone ("Ingresos del
/// presupuesto / público general", not "… público / general"); in CJK text,
/// where balancing would move a break set by the text, only a last line under
/// a third of the longest (one or two characters) is rebalanced.
pub fn wrap(label: &str, width: f64, measure: impl Fn(&str) -> f64) -> Vec<String> {
    let mut lines = Vec::new();
    for para in label.split('\n') {
        let pieces = pieces(para.trim());
        if pieces.is_empty() {
            continue;
        }
        let greedy = fill(&pieces, width, &measure);
        let longest = greedy.iter().map(|l| measure(l)).fold(0.0, f64::max);
        let last = greedy.last().map_or(0.0, |l| measure(l));
        let cjk = para.chars().any(crate::data::markup::is_cjk);
        if greedy.len() < 2 || (cjk && last >= longest / 3.0) {
            lines.extend(greedy);
            continue;
        }
        // The narrowest width that needs no more lines.
        let (mut lo, mut hi) = (pieces.iter().map(|(p, _)| measure(p)).fold(0.0, f64::max), width.max(longest));
        for _ in 0..24 {
            let mid = (lo + hi) / 2.0;
            if fill(&pieces, mid, &measure).len() <= greedy.len() {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        lines.extend(fill(&pieces, hi, &measure));
    }
    lines
}

/// Alt text generated from the chart's data.
pub fn alt_text(p: &Prepared, title: &str, loc: &Locale) -> String {
    let strings = &loc.strings;
    let kind = strings.chart_kinds.get(p.kind.name()).cloned().unwrap_or_default();
    let (sep, end) = if loc.cjk {
        ("；", "。")
    } else if loc.script == crate::i18n::Script::Arabic {
        ("؛ ", ". ")
    } else {
        ("; ", ". ")
    };
    let colon = loc.colon.as_str();
    let mut parts = Vec::new();
    for (si, (name, vals)) in p.series.iter().enumerate() {
        let pts: Vec<String> = p
            .categories
            .iter()
            .zip(vals)
            .map(|(c, v)| match v {
                Some(v) => {
                    format!(
                        "{c} {}",
                        loc.figure(format::Figure { value: *v, unit: &p.unit, decimals: None, place: None })
                    )
                }
                None => format!("{c} {}", strings.not_given),
            })
            .collect();
        let prefix = if p.series.len() > 1 || si > 0 { format!("{name}{colon}") } else { String::new() };
        parts.push(format!("{prefix}{}", pts.join(sep)));
    }
    let mut alt = format!("{kind}{colon}{title}{end}{}{end}", parts.join(end));
    if !p.dropped.is_empty() {
        alt.push_str(&format!("{}{colon}{}{end}", strings.not_given, p.dropped.join(sep)));
    }
    alt.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled theme's chart style.
    fn style() -> ChartStyle {
        let text = include_str!("../templates/theme.toml");
        crate::theme::Theme::parse(std::path::Path::new("templates/theme.toml"), text).unwrap().charts
    }

    #[test]
    fn text_offsets_are_folded_into_y_so_no_character_is_set_apart() {
        let tag = r#"<text x="422" y="48" dy="0.5ex" text-anchor="start" font-size="12" fill="x">"#;
        assert_eq!(fold_dy(tag), r#"<text x="422" y="51.00" text-anchor="start" font-size="12" fill="x">"#);
        let svg = "<svg><text x=\"1\" y=\"10\" dy=\"0.76em\" font-size=\"10\">\nالناتج\n</text></svg>";
        assert_eq!(tight_text(svg), "<svg><text x=\"1\" y=\"17.60\" font-size=\"10\">الناتج</text></svg>");
    }

    /// Arabic is measured shaped, as drawn: joined letters are narrower
    /// than the sum of their isolated forms. Latin stays the sum of its
    /// characters' advances (what every other chart was measured by).
    #[test]
    fn arabic_labels_are_measured_shaped() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        let bytes: &'static [u8] =
            Box::leak(std::fs::read(dir.join("NotoNaskhArabic-Regular.ttf")).unwrap().into_boxed_slice());
        let m = Measured::new(ttf_parser::Face::parse(bytes, 0).unwrap());
        let label = "حجم معاملات التجارة الإلكترونية";
        let summed: f64 = label.chars().map(|c| m.advance(c)).sum();
        let shaped = m.width(label);
        assert!(shaped > 0.0 && shaped < summed * 0.95, "shaped {shaped}, summed {summed}");
        let latin = "Regional GDP 2020";
        assert_eq!(m.width(latin), latin.chars().map(|c| m.advance(c)).sum::<f64>());
    }

    #[test]
    fn tabled_advances_are_the_fonts_own() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for file in ["NotoSans-Regular.ttf", "NotoNaskhArabic-Regular.ttf"] {
            let bytes: &'static [u8] = Box::leak(std::fs::read(dir.join(file)).unwrap().into_boxed_slice());
            let m = Measured::new(ttf_parser::Face::parse(bytes, 0).unwrap());
            let upem = f64::from(m.face.units_per_em());
            // Each character's own advance (not its neighbour's in the
            // table), in the table and past it; 0.6 em where the face has
            // no glyph.
            let own = |c: char| m.face.glyph_index(c).and_then(|g| m.face.glyph_hor_advance(g)).map(f64::from);
            for c in ['i', 'W', 'é', 'ж', 'Ш', 'ب', '\u{7ff}', '\u{800}', '义', '\u{e000}'] {
                assert_eq!(m.advance(c), own(c).unwrap_or(upem * 0.6), "{file}: {c:?}");
            }
            assert_eq!(m.advance('\u{e000}'), upem * 0.6, "{file}: no glyph");
        }
    }

    #[test]
    fn nice_axes() {
        assert_eq!(nice_axis(974.0), (250.0, 1250.0));
        let (step, top) = nice_axis(42.0);
        assert!(top >= 42.0 && step > 0.0);
    }

    #[test]
    fn no_empty_text_elements() {
        // A plain count has no unit words: nothing is drawn for them.
        let p = Prepared {
            kind: ChartKind::Bar,
            categories: vec!["2019".into(), "2020".into()],
            series: vec![("Routes".into(), vec![Some(11.0), Some(14.0)])],
            decimals: vec![vec![None, None]],
            scale: crate::i18n::format::Scale { divisor: 1.0, word: String::new() },
            unit_words: String::new(),
            unit: "count".into(),
            dropped: vec![],
            lines: vec![],
            by_period: false,
            gap_word: "n/a".into(),
            group_four: false,
        };
        let svg = render(&p, &Locale::builtin("en"), &style(), None).unwrap();
        assert!(svg.contains(">2020</text>"), "{svg}");
        let texts: Vec<&str> =
            svg.split("<text").skip(1).map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]).collect();
        assert!(!texts.is_empty() && texts.iter().all(|t| !t.trim().is_empty()), "{texts:?}");
    }

    fn chart(kind: ChartKind, unit: &str, values: &[f64]) -> Prepared {
        Prepared {
            kind,
            categories: (0..values.len()).map(|i| format!("C{i}")).collect(),
            series: vec![("S".into(), values.iter().map(|v| Some(*v)).collect())],
            decimals: vec![vec![None; values.len()]],
            scale: crate::i18n::format::Scale { divisor: 1.0, word: String::new() },
            unit_words: String::new(),
            unit: unit.into(),
            dropped: vec![],
            lines: vec![],
            by_period: false,
            gap_word: "n/a".into(),
            group_four: false,
        }
    }

    fn labels(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim().to_string())
            .collect()
    }

    #[test]
    fn percentage_axes_stop_at_100() {
        let svg = render(
            &chart(ChartKind::Bar, "percent", &[96.0, 98.7, 100.0, 99.0, 97.0, 95.0, 94.0]),
            &Locale::builtin("en"),
            &style(),
            None,
        )
        .unwrap();
        let ticks = labels(&svg);
        assert!(ticks.iter().any(|t| t == "100"), "{ticks:?}");
        assert!(!ticks.iter().any(|t| t == "120" || t == "125"), "{ticks:?}");
        // Above 100 (a growth rate) the axis goes on.
        let svg = render(
            &chart(ChartKind::Bar, "percent", &[90.0, 130.0, 100.0, 80.0, 70.0, 60.0, 50.0]),
            &Locale::builtin("en"),
            &style(),
            None,
        )
        .unwrap();
        assert!(labels(&svg).iter().any(|t| t == "140" || t == "150"), "{:?}", labels(&svg));
    }

    #[test]
    fn ratio_axes_print_no_impossible_tick() {
        let svg = render(
            &chart(ChartKind::Bar, "ratio", &[1.9, 2.0, 2.1, 1.8, 1.95, 2.05, 2.2]),
            &Locale::builtin("en"),
            &style(),
            None,
        )
        .unwrap();
        let ticks = labels(&svg);
        assert!(!ticks.iter().any(|t| t == "1:0"), "{ticks:?}");
        assert!(ticks.iter().any(|t| t == "0"), "{ticks:?}");
    }

    #[test]
    fn small_values_keep_a_visible_bar() {
        // 221 beside 116,451: the bar is at least 2 px tall (one rect per bar).
        let svg = render(
            &chart(ChartKind::Bar, "count", &[16858.0, 10994.0, 38486.0, 116451.0, 221.0]),
            &Locale::builtin("en"),
            &style(),
            None,
        )
        .unwrap();
        let heights: Vec<f64> = svg
            .split("<rect")
            .skip(1)
            .filter_map(|r| r.split("height=\"").nth(1)?.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(heights.len(), 5, "{svg}");
        assert!(heights.iter().all(|h| *h >= 2.0), "{heights:?}");
    }

    #[test]
    fn charts_are_sized_by_their_data() {
        let few = canvas(&chart(ChartKind::Hbar, "count", &[1.0, 2.0, 3.0]), 1, 14.0);
        let many = canvas(&chart(ChartKind::Hbar, "count", &[1.0; 10]), 1, 14.0);
        assert!(many.1 > few.1, "{few:?} {many:?}");
        // Two-line labels make taller rows: two lines and half a line's space.
        let tall = canvas(&chart(ChartKind::Hbar, "count", &[1.0; 10]), 2, 14.0);
        assert!(tall.1 - many.1 >= 10.0 * 5.0, "{many:?} {tall:?}");
        let small = chart(ChartKind::Bar, "count", &[1.0, 2.0, 3.0]);
        let full = chart(ChartKind::Bar, "count", &[1.0; 8]);
        assert!(is_small(&small) && canvas(&small, 1, 14.0).0 < canvas(&full, 1, 14.0).0);
    }

    #[test]
    fn a_missing_period_is_a_gap_in_a_line() {
        let p = Prepared {
            kind: ChartKind::Line,
            categories: vec!["2016".into(), "2017".into(), "2018".into(), "2019".into()],
            series: vec![("AQI".into(), vec![Some(90.0), Some(91.5), None, Some(95.0)])],
            decimals: vec![vec![None, Some(1), None, None]],
            scale: crate::i18n::format::Scale { divisor: 1.0, word: String::new() },
            unit_words: "%".into(),
            unit: "percent".into(),
            dropped: vec![],
            lines: vec![(98.0, "Target 2030".into())],
            by_period: true,
            gap_word: "n/a".into(),
            group_four: false,
        };
        let svg = render(&p, &Locale::builtin("en"), &style(), None).unwrap();
        // One segment joins 2016 and 2017; 2019 stands alone: no line crosses 2018.
        let lines: Vec<&str> =
            svg.lines().filter(|l| l.contains("<polyline") && l.contains("stroke-width=\"2\"")).collect();
        assert_eq!(lines.len(), 1, "{svg}");
        assert_eq!(lines[0].matches(',').count(), 2, "two points: {}", lines[0]);
        assert!(svg.contains(">n/a</text>"), "the gap is labelled: {svg}");
        assert!(svg.contains(">91.5</text>") && svg.contains(">90</text>"), "labels as written: {svg}");
        assert!(svg.contains("Target 2030"), "{svg}");
    }

    #[test]
    fn wraps_words_and_cjk() {
        let m = |s: &str| s.chars().count() as f64;
        assert_eq!(wrap("Junior middle school", 10.0, m), vec!["Junior", "middle", "school"]);
        assert_eq!(wrap("初中学校学生", 4.0, m), vec!["初中学校", "学生"]);
    }

    #[test]
    fn a_short_last_line_never_stands_alone() {
        let m = |s: &str| s.chars().count() as f64;
        // Balanced: "… público / general" would leave one word.
        let es = wrap("Ingresos del presupuesto público general", 32.0, m);
        assert_eq!(es, vec!["Ingresos del presupuesto", "público general"]);
        // A single character on the last line of a Chinese label is rebalanced (earlier review F4).
        let zh = wrap("世界城地组织亚太区义乌会议", 12.0, m);
        assert_eq!(zh.len(), 2, "{zh:?}");
        assert!(zh[1].chars().count() >= 4, "{zh:?}");
        // A break the text sets at a word boundary is kept when the last line is not short.
        let zh = wrap("世界城地组织亚太区执行局会议（2019年）", 12.0, m);
        assert_eq!(zh, vec!["世界城地组织亚太区执行局", "会议（2019年）"]);
    }

    #[test]
    fn cjk_labels_break_by_chinese_rules() {
        let m = |s: &str| s.chars().count() as f64;
        for width in 3..14 {
            let lines = wrap("世界城地组织亚太区义乌会议（义乌，2019年）", f64::from(width), m);
            for l in &lines {
                let (first, last) = (l.chars().next().unwrap(), l.chars().last().unwrap());
                assert!(!"，）。、".contains(first), "no line opens with closing punctuation: {lines:?}");
                assert!(last != '（', "no line ends with an opening bracket: {lines:?}");
            }
            assert!(lines.iter().any(|l| l.contains("2019")), "digits stay together: {lines:?}");
            assert_eq!(lines.concat(), "世界城地组织亚太区义乌会议（义乌，2019年）");
        }
        // A word joiner holds two characters together and is not drawn; a line break is kept.
        let lines = wrap("亚太区\u{2060}义乌会议", 3.0, m);
        assert!(lines.iter().any(|l| l.contains("区义")) && !lines.concat().contains('\u{2060}'), "{lines:?}");
        assert_eq!(wrap("Yiwu\nmeeting", 40.0, m), vec!["Yiwu", "meeting"]);
    }

    #[test]
    fn horizontal_bar_labels_are_centred_on_their_bars_and_keep_apart() {
        let mut p = chart(ChartKind::Hbar, "percent", &[4.0, 4.7, 5.4, 6.4]);
        p.categories = vec![
            "Ingresos del presupuesto público general".into(),
            "PIB regional".into(),
            "Volumen total de importaciones y exportaciones".into(),
            "Volumen de transacciones del comercio electrónico transfronterizo".into(),
        ];
        let svg = render(&p, &Locale::builtin("es"), &style(), None).unwrap();
        let y = |t: &str| -> f64 { t.split(" y=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap() };
        let labels: Vec<f64> =
            svg.split("<text").skip(1).filter(|t| t.contains("text-anchor=\"end\"")).map(y).collect();
        let bars: Vec<f64> = svg
            .split("<rect")
            .skip(1)
            .map(|r| {
                let attr = |k: &str| -> f64 {
                    r.split(&format!(" {k}=\"")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap()
                };
                attr("y") + attr("height") / 2.0
            })
            .collect();
        assert_eq!(bars.len(), 4, "{svg}");
        // Each label's lines, line by line; the next label is further off
        // (by more than a third of a line): four blocks, one per bar.
        let size = 14.0 / 1.24;
        let mut blocks: Vec<Vec<f64>> = Vec::new();
        for y in labels {
            match blocks.last_mut() {
                Some(b) if y - b[b.len() - 1] < size * 1.2 * 1.3 => b.push(y),
                _ => blocks.push(vec![y]),
            }
        }
        assert_eq!(blocks.len(), 4, "labels crowd: {blocks:?}");
        assert!(blocks.iter().any(|b| b.len() > 1), "{blocks:?}");
        for (block, bar) in blocks.iter().zip(&bars) {
            let mid = (block[0] + block[block.len() - 1]) / 2.0;
            // A label's y is its baseline: its centre sits about a third of its size above.
            assert!((mid - size * 0.35 - bar).abs() < 3.0, "label at {block:?}, bar at {bar}");
        }
    }

    #[test]
    fn a_second_series_differs_from_the_first_in_greyscale() {
        // SDG 4's red and the palette's blue have about the same luminance; the tint does not.
        let luminance = |c: RGBColor| 0.2126 * f64::from(c.0) + 0.7152 * f64::from(c.1) + 0.0722 * f64::from(c.2);
        let colours = palette(&style(), Some(Colour(0xC5, 0x19, 0x2D)));
        assert_eq!(colours[0], RGBColor(0xC5, 0x19, 0x2D));
        assert!(luminance(colours[1]) - luminance(colours[0]) > 80.0, "{colours:?}");
        // Without a chapter colour, the palette as before.
        assert_eq!(palette(&style(), None)[0], RGBColor(0x00, 0x68, 0x9D));
    }
}
