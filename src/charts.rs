//! Charts: a chart spec, its figures and a language in, SVG bytes out.
//!
//! Drawn with plotters' SVG backend at pixel coordinates we lay out
//! ourselves, with every label measured in the real font (ab_glyph), so no
//! label overflows, whatever the script.

use std::path::Path;
use std::sync::{Once, OnceLock};

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, register_font};
use toml::Spanned;

use crate::data::model::{ChartSpec, ChartText};
use crate::data::resolve::Index;
use crate::diag::Diag;
use crate::i18n::format::{self, Scale};

/// Chart kinds.
pub const KINDS: &[&str] = &["bar", "hbar", "grouped-bar", "line"];

const W: f64 = 640.0;
const H: f64 = 340.0;
const FONT_PX: f64 = 13.0;
const PALETTE: [RGBColor; 5] = [
    RGBColor(0x00, 0x68, 0x9D),
    RGBColor(0xFD, 0x9D, 0x24),
    RGBColor(0x4C, 0x9F, 0x38),
    RGBColor(0xA2, 0x19, 0x42),
    RGBColor(0x19, 0x48, 0x6A),
];
const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);

/// Checks a chart spec against the indicators; warns when points are not given.
pub fn validate(idx: &Index, path: &Path, c: &ChartSpec, diags: &mut Vec<Diag>) {
    if !KINDS.contains(&c.kind.get_ref().as_str()) {
        diags.push(
            Diag::error(path, Some(c.kind.span()), format!("unknown chart kind `{}`", c.kind.get_ref()))
                .with_hint(format!("kinds: {}", KINDS.join(", "))),
        );
    }
    if !format::is_unit(c.unit.get_ref()) {
        diags.push(Diag::error(path, Some(c.unit.span()), format!("unknown unit `{}`", c.unit.get_ref())));
    }
    if c.series.is_empty() {
        diags.push(Diag::error(path, Some(c.id.span()), "a chart needs at least one series"));
    }
    let mut gaps = Vec::new();
    for s in &c.series {
        if s.values.len() != c.categories.len() {
            diags.push(Diag::error(
                path,
                Some(s.key.span()),
                format!(
                    "series `{}` has {} values for {} categories",
                    s.key.get_ref(),
                    s.values.len(),
                    c.categories.len()
                ),
            ));
        }
        for (v, cat) in s.values.iter().zip(&c.categories) {
            let id = v.get_ref();
            if id.is_empty() {
                gaps.push(cat.get_ref().clone());
                continue;
            }
            match idx.indicators.get(id.as_str()) {
                None => diags.push(Diag::error(path, Some(v.span()), format!("unknown indicator `{id}`"))),
                Some((_, ind)) if ind.missing => gaps.push(cat.get_ref().clone()),
                Some((_, ind)) if ind.unit.get_ref() != c.unit.get_ref() => diags.push(Diag::error(
                    path,
                    Some(v.span()),
                    format!("indicator `{id}` is in `{}`, the chart in `{}`", ind.unit.get_ref(), c.unit.get_ref()),
                )),
                _ => {}
            }
        }
    }
    if !gaps.is_empty() {
        diags.push(
            Diag::warning(
                path,
                Some(c.id.span()),
                format!("chart `{}` is incomplete: no data for {}", c.id.get_ref(), gaps.join(", ")),
            )
            .with_hint("only the points the source gives are drawn"),
        );
    }
}

/// A chart ready to draw: labels and values in one language.
pub struct Prepared {
    /// bar | hbar | grouped-bar | line
    pub kind: String,
    /// Category labels (only categories with at least one known value).
    pub categories: Vec<String>,
    /// Series labels and values.
    pub series: Vec<(String, Vec<Option<f64>>)>,
    /// Axis scale and unit words.
    pub scale: Scale,
    /// e.g. "billion yuan".
    pub unit_words: String,
    /// The chart's unit.
    pub unit: String,
    /// Categories dropped for lack of data.
    pub dropped: Vec<String>,
    /// Decimals the source wrote its values with (e.g. 4.0), for value labels.
    pub decimals: Option<u8>,
}

/// The largest known value of any series (0 if none).
fn largest(series: &[(String, Vec<Option<f64>>)]) -> f64 {
    series.iter().flat_map(|(_, v)| v.iter().flatten()).fold(0.0f64, |a, b| a.max(*b))
}

/// Resolves a chart's values and labels for a language.
pub fn prepare(idx: &Index, spec: &ChartSpec, text: Option<&ChartText>, lang: &str) -> Prepared {
    let label = |map: Option<&std::collections::BTreeMap<String, String>>, key: &Spanned<String>| {
        map.and_then(|m| m.get(key.get_ref())).cloned().unwrap_or_else(|| key.get_ref().clone())
    };
    let value = |id: &Spanned<String>| {
        idx.indicators.get(id.get_ref().as_str()).and_then(|(_, i)| i.value.as_ref()).map(|v| *v.get_ref())
    };
    let keep: Vec<bool> = (0..spec.categories.len())
        .map(|i| spec.series.iter().any(|s| s.values.get(i).and_then(value).is_some()))
        .collect();
    let categories = spec
        .categories
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| label(text.map(|t| &t.categories), c))
        .collect();
    let dropped = spec
        .categories
        .iter()
        .zip(&keep)
        .filter(|(_, k)| !**k)
        .map(|(c, _)| label(text.map(|t| &t.categories), c))
        .collect();
    let series: Vec<(String, Vec<Option<f64>>)> = spec
        .series
        .iter()
        .map(|s| {
            let vals = s.values.iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| value(v)).collect();
            (label(text.map(|t| &t.series), &s.key), vals)
        })
        .collect();
    let max = largest(&series);
    let (scale, unit_words) = format::axis(lang, spec.unit.get_ref(), max);
    let decimals = spec
        .series
        .iter()
        .flat_map(|s| &s.values)
        .filter_map(|v| idx.indicators.get(v.get_ref().as_str()).and_then(|(_, i)| i.decimals))
        .max();
    Prepared {
        kind: spec.kind.get_ref().clone(),
        categories,
        series,
        scale,
        unit_words,
        unit: spec.unit.get_ref().clone(),
        dropped,
        decimals,
    }
}

/// The font family charts use for a language.
pub fn family(lang: &str) -> &'static str {
    match lang {
        "zh" => "Noto Sans CJK SC",
        "ar" => "Noto Naskh Arabic",
        _ => "Noto Sans",
    }
}

static FACES: OnceLock<Vec<(&'static str, ttf_parser::Face<'static>)>> = OnceLock::new();

/// Registers the chart fonts with plotters (and our measurer) once per process.
pub fn register_fonts(fonts: &crate::fonts::Fonts) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut faces = Vec::new();
        for fam in ["Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic"] {
            if let Some(bytes) = fonts.family_bytes(fam) {
                let _ = register_font(fam, FontStyle::Normal, bytes);
                // Parsed once: a CJK face's charset takes a while to parse.
                if let Ok(face) = ttf_parser::Face::parse(bytes, 0) {
                    faces.push((fam, face));
                }
            }
        }
        let _ = FACES.set(faces);
    });
}

/// Width in px of `text` at `px` in a family, from the font's advances.
/// (plotters' ab_glyph layout scales by line height, not em, and under-measures.)
pub fn text_width(family: &str, text: &str, px: f64) -> Option<f64> {
    let (_, face) = FACES.get()?.iter().find(|(f, _)| *f == family)?;
    let upem = f64::from(face.units_per_em());
    let units: f64 = text
        .chars()
        .map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(upem * 0.6, f64::from))
        .sum();
    Some(units * px / upem)
}

/// Formats a value on the chart's axis scale.
fn tick(lang: &str, p: &Prepared, v: f64) -> String {
    tick_with(lang, p, v, None)
}

/// Formats a data value: as written in the source when unscaled.
fn value_label(lang: &str, p: &Prepared, v: f64) -> String {
    tick_with(lang, p, v, if p.scale.divisor == 1.0 { p.decimals } else { None })
}

fn tick_with(lang: &str, p: &Prepared, v: f64, decimals: Option<u8>) -> String {
    let n = v / p.scale.divisor;
    let s = format::number(lang, (n * 1e4).round() / 1e4, decimals, true);
    if p.unit == "ratio" { format!("1:{s}") } else { s }
}

/// Draws the chart as SVG.
pub fn render(p: &Prepared, lang: &str, accent: Option<&str>) -> Result<String, String> {
    let palette = palette(accent);
    // Right-to-left scripts mirror the chart: axis on the right, bars growing leftwards.
    let rtl = crate::i18n::is_rtl(lang);
    let m = |x: f64| (if rtl { W - x } else { x }) as i32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W as u32, H as u32)).into_drawing_area();
        let font = |px: f64| (family(lang), px).into_font();
        // plotters writes font-size = size / 1.24; measure what is drawn.
        let measure = |s: &str, px: f64| {
            let drawn = px / 1.24;
            (text_width(family(lang), s, drawn).unwrap_or(s.chars().count() as f64 * drawn), drawn * 1.2)
        };
        let text = |s: &str, x: f64, y: f64, px: f64, pos: Pos, colour: &RGBColor| {
            if s.trim().is_empty() {
                return Ok(()); // e.g. no unit words for a plain count
            }
            let h = match (rtl, pos.h_pos) {
                (true, HPos::Left) => HPos::Right,
                (true, HPos::Right) => HPos::Left,
                (_, h) => h,
            };
            let style = font(px).color(colour).pos(Pos::new(h, pos.v_pos));
            root.draw(&Text::new(s.to_string(), (m(x), y as i32), style)).map_err(|e| e.to_string())
        };
        let max = largest(&p.series);
        let (step, top) = nice_axis(max);
        // Legend (multi-series) at the top; unit words at the top left.
        let mut y0 = 8.0;
        let unit_h = measure("Hg", FONT_PX).1;
        text(&p.unit_words, 4.0, y0, FONT_PX, Pos::new(HPos::Left, VPos::Top), &INK)?;
        if p.series.len() > 1 {
            let mut x = W - 4.0;
            for (i, (name, _)) in p.series.iter().enumerate().rev() {
                let (w, _) = measure(name, FONT_PX);
                x -= w;
                text(name, x, y0, FONT_PX, Pos::new(HPos::Left, VPos::Top), &INK)?;
                x -= 16.0;
                root.draw(&Rectangle::new(
                    [(m(x), (y0 + 2.0) as i32), (m(x + 11.0), (y0 + 13.0) as i32)],
                    palette[i % 5].filled(),
                ))
                .map_err(|e| e.to_string())?;
                x -= 14.0;
            }
        }
        y0 += unit_h + 12.0;
        let ticks: Vec<f64> = (0..).map(|i| f64::from(i) * step).take_while(|t| *t <= top + step * 1e-9).collect();
        let tick_w = ticks.iter().map(|t| measure(&tick(lang, p, *t), FONT_PX).0).fold(0.0, f64::max);
        let n = p.categories.len().max(1);
        if p.kind == "hbar" {
            let label_w = p
                .categories
                .iter()
                .map(|c| {
                    wrap(c, W * 0.35, |s| measure(s, FONT_PX).0)
                        .iter()
                        .map(|l| measure(l, FONT_PX).0)
                        .fold(0.0, f64::max)
                })
                .fold(0.0, f64::max);
            let (x0, x1, y1) = (label_w + 12.0, W - 70.0, H - 24.0);
            let slot = (y1 - y0) / n as f64;
            for t in &ticks {
                let x = x0 + (x1 - x0) * t / top;
                root.draw(&PathElement::new(vec![(m(x), y0 as i32), (m(x), y1 as i32)], GRID))
                    .map_err(|e| e.to_string())?;
                text(&tick(lang, p, *t), x, y1 + 4.0, FONT_PX, Pos::new(HPos::Center, VPos::Top), &INK)?;
            }
            for (ci, cat) in p.categories.iter().enumerate() {
                let cy = y0 + slot * (ci as f64 + 0.5);
                let lines = wrap(cat, W * 0.35, |s| measure(s, FONT_PX).0);
                let lh = FONT_PX * 1.25;
                for (li, l) in lines.iter().enumerate() {
                    let y = cy - lh * (lines.len() as f64 - 1.0) / 2.0 + lh * li as f64;
                    text(l, x0 - 8.0, y, FONT_PX, Pos::new(HPos::Right, VPos::Center), &INK)?;
                }
                let k = p.series.len() as f64;
                let bh = (slot * 0.7 / k).min(28.0);
                for (si, (_, vals)) in p.series.iter().enumerate() {
                    let Some(v) = vals[ci] else { continue };
                    let y = cy - bh * k / 2.0 + bh * si as f64;
                    let x = x0 + (x1 - x0) * v / top;
                    root.draw(&Rectangle::new(
                        [(m(x0), y as i32), (m(x), (y + bh - 1.0) as i32)],
                        palette[si % 5].filled(),
                    ))
                    .map_err(|e| e.to_string())?;
                    text(
                        &value_label(lang, p, v),
                        x + 4.0,
                        y + bh / 2.0,
                        FONT_PX,
                        Pos::new(HPos::Left, VPos::Center),
                        &INK,
                    )?;
                }
            }
            root.draw(&PathElement::new(vec![(m(x0), y0 as i32), (m(x0), y1 as i32)], INK))
                .map_err(|e| e.to_string())?;
        } else {
            let (x0, x1) = (tick_w + 12.0, W - 8.0);
            let slot = (x1 - x0) / n as f64;
            let label_lines =
                p.categories.iter().map(|c| wrap(c, slot - 6.0, |s| measure(s, FONT_PX).0)).collect::<Vec<_>>();
            let rows = label_lines.iter().map(Vec::len).max().unwrap_or(1) as f64;
            let y1 = H - 8.0 - rows * FONT_PX * 1.25;
            let yof = |v: f64| y1 - (y1 - y0) * v / top;
            for t in &ticks {
                let y = yof(*t);
                root.draw(&PathElement::new(vec![(m(x0), y as i32), (m(x1), y as i32)], GRID))
                    .map_err(|e| e.to_string())?;
                text(&tick(lang, p, *t), x0 - 6.0, y, FONT_PX, Pos::new(HPos::Right, VPos::Center), &INK)?;
            }
            for (ci, lines) in label_lines.iter().enumerate() {
                let cx = x0 + slot * (ci as f64 + 0.5);
                for (li, l) in lines.iter().enumerate() {
                    text(
                        l,
                        cx,
                        y1 + 6.0 + FONT_PX * 1.25 * li as f64,
                        FONT_PX,
                        Pos::new(HPos::Center, VPos::Top),
                        &INK,
                    )?;
                }
            }
            if p.kind == "line" {
                for (si, (_, vals)) in p.series.iter().enumerate() {
                    let pts: Vec<(i32, i32)> = vals
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| v.map(|v| (m(x0 + slot * (i as f64 + 0.5)), yof(v) as i32)))
                        .collect();
                    root.draw(&PathElement::new(pts.clone(), palette[si % 5].stroke_width(2)))
                        .map_err(|e| e.to_string())?;
                    for (i, v) in vals.iter().enumerate() {
                        let Some(v) = v else { continue };
                        let (x, y) = (x0 + slot * (i as f64 + 0.5), yof(*v));
                        root.draw(&Circle::new((m(x), y as i32), 4, palette[si % 5].filled()))
                            .map_err(|e| e.to_string())?;
                        text(
                            &value_label(lang, p, *v),
                            x,
                            y - 8.0,
                            FONT_PX,
                            Pos::new(HPos::Center, VPos::Bottom),
                            &INK,
                        )?;
                    }
                }
            } else {
                let k = p.series.len() as f64;
                let bw = (slot * 0.7 / k).min(64.0);
                for ci in 0..p.categories.len() {
                    let cx = x0 + slot * (ci as f64 + 0.5);
                    for (si, (_, vals)) in p.series.iter().enumerate() {
                        let Some(v) = vals[ci] else { continue };
                        let x = cx - bw * k / 2.0 + bw * si as f64;
                        root.draw(&Rectangle::new(
                            [(m(x + 1.0), yof(v) as i32), (m(x + bw - 1.0), y1 as i32)],
                            palette[si % 5].filled(),
                        ))
                        .map_err(|e| e.to_string())?;
                        let label = value_label(lang, p, v);
                        let px = if measure(&label, FONT_PX).0 > bw + 4.0 && k > 1.0 { FONT_PX * 0.8 } else { FONT_PX };
                        text(&label, x + bw / 2.0, yof(v) - 3.0, px, Pos::new(HPos::Center, VPos::Bottom), &INK)?;
                    }
                }
            }
            root.draw(&PathElement::new(vec![(m(x0), y1 as i32), (m(x1), y1 as i32)], INK))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The series colours: the chapter's goal colour first, then the house palette.
fn palette(accent: Option<&str>) -> Vec<RGBColor> {
    let mut colours = Vec::with_capacity(6);
    if let Some(hex) = accent.and_then(|h| u32::from_str_radix(h.trim_start_matches('#'), 16).ok()) {
        colours.push(RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8));
    }
    let first = colours.first().copied();
    colours.extend(PALETTE.iter().copied().filter(|c| Some(*c) != first));
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

/// Breaks a label into lines no wider than `width` (by words; CJK by characters).
pub fn wrap(label: &str, width: f64, measure: impl Fn(&str) -> f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let tokens: Vec<String> = if label.chars().any(crate::data::markup::is_cjk) {
        label.chars().map(String::from).collect()
    } else {
        label.split(' ').map(|w| format!("{w} ")).collect()
    };
    for tok in tokens {
        let candidate = format!("{cur}{tok}");
        if !cur.is_empty() && measure(candidate.trim_end()) > width {
            lines.push(cur.trim_end().to_string());
            cur = tok;
        } else {
            cur = candidate;
        }
    }
    if !cur.trim().is_empty() {
        lines.push(cur.trim_end().to_string());
    }
    lines
}

/// Alt text generated from the chart's data.
pub fn alt_text(p: &Prepared, title: &str, lang: &str, strings: &crate::i18n::Strings) -> String {
    let kind = strings.chart_kinds.get(&p.kind).cloned().unwrap_or_default();
    let (sep, colon, end) = if lang == "zh" { ("；", "：", "。") } else { ("; ", ": ", ". ") };
    let mut parts = Vec::new();
    for (si, (name, vals)) in p.series.iter().enumerate() {
        let pts: Vec<String> = p
            .categories
            .iter()
            .zip(vals)
            .map(|(c, v)| match v {
                Some(v) => {
                    format!("{c} {}", format::figure(lang, format::Figure { value: *v, unit: &p.unit, decimals: None }))
                }
                None => format!("{c} {}", strings.not_given),
            })
            .collect();
        let prefix = if p.series.len() > 1 || si > 0 { format!("{name}{colon}") } else { String::new() };
        parts.push(format!("{prefix}{}", pts.join(sep)));
    }
    let mut alt = format!("{kind}{colon}{title}{end}{}{end}", parts.join(end.trim_end()));
    if !p.dropped.is_empty() {
        alt.push_str(&format!("{}{colon}{}{end}", strings.not_given, p.dropped.join(sep)));
    }
    alt.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            kind: "bar".into(),
            categories: vec!["2019".into(), "2020".into()],
            series: vec![("Routes".into(), vec![Some(11.0), Some(14.0)])],
            scale: crate::i18n::format::Scale { divisor: 1.0, word: String::new() },
            unit_words: String::new(),
            unit: "count".into(),
            dropped: vec![],
            decimals: None,
        };
        let svg = render(&p, "en", None).unwrap();
        assert!(svg.contains(">\n2020\n</text>"), "{svg}");
        let texts: Vec<&str> =
            svg.split("<text").skip(1).map(|t| &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]).collect();
        assert!(!texts.is_empty() && texts.iter().all(|t| !t.trim().is_empty()), "{texts:?}");
    }

    #[test]
    fn wraps_words_and_cjk() {
        let m = |s: &str| s.chars().count() as f64;
        assert_eq!(wrap("Junior middle school", 10.0, m), vec!["Junior", "middle", "school"]);
        assert_eq!(wrap("初中学校学生", 4.0, m), vec!["初中学校", "学生"]);
    }
}
