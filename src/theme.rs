//! The book's theme, `theme.toml` beside the entry template: colours, fonts
//! by script, sizes and the page, defined once for the templates and the
//! charts.
//!
//! The templates read the whole file with typst's `toml()`; vlr reads what it
//! draws with (the SDG colours, the charts' colours, label size and fonts), so
//! a city that restyles its book in that file gets charts to match. Keys vlr
//! does not read belong to the templates and are left to them.
//!
//! ```
//! let text = include_str!("../templates/theme.toml");
//! let theme = vlr::theme::Theme::parse(std::path::Path::new("templates/theme.toml"), text).unwrap();
//! assert_eq!(theme.charts.font(vlr::i18n::Script::Cjk), "Noto Sans CJK SC");
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diag, Sources};
use crate::files::{hinted, parse_toml, read_confined};
use crate::i18n::Script;

/// The theme's file name; it sits beside the entry template (lib.typ reads it from there).
pub const FILE: &str = "theme.toml";

/// An sRGB colour, written `"#rrggbb"` in the theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()));
        match hex.and_then(|h| u32::from_str_radix(h, 16).ok()) {
            Some(v) => Ok(Colour((v >> 16) as u8, (v >> 8) as u8, v as u8)),
            None => Err(serde::de::Error::custom(hinted(
                format!("`{s}` is not a colour"),
                "write an sRGB colour as \"#rrggbb\", e.g. \"#1d2a36\"",
            ))),
        }
    }
}

/// What vlr draws with, from the theme.
#[derive(Debug, Clone)]
pub struct Theme {
    /// The official colours of SDGs 1–17 (a chart's first series takes its chapter's).
    pub sdg: [Colour; 17],
    /// The charts' colours, label size and fonts.
    pub charts: ChartStyle,
    /// Copyfitting (`[copyfit]`), if the theme asks for it.
    pub copyfit: Option<Copyfit>,
}

/// Copyfitting: a chapter whose last page would hold only a few lines, before
/// a chapter that starts a new page, is set up to `steps` steps tighter (the
/// templates read how much a step is) so that those lines move back.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Copyfit {
    /// "A few lines": the chapter ends within this share of the page's height from its top.
    pub threshold: f64,
    /// At most this many steps.
    pub steps: u8,
}

/// How charts are drawn: `[charts]` and each script's `chart` font.
#[derive(Debug, Clone)]
pub struct ChartStyle {
    /// Series colours after the chapter's goal colour (never empty).
    pub palette: Vec<Colour>,
    /// Labels, axes and reference lines.
    pub ink: Colour,
    /// Grid lines.
    pub grid: Colour,
    /// The word for a missing value.
    pub muted: Colour,
    /// Label size in px on a full-width (640 px) chart.
    pub label_px: f64,
    /// The second series' colour: the chapter's goal colour at this strength
    /// over white (`second-tint`), so the two series differ in greyscale too;
    /// `None`: the palette's first colour.
    pub second_tint: Option<f64>,
    fonts: Fonts,
}

impl ChartStyle {
    /// The chart font of a script.
    pub fn font(&self, script: Script) -> &str {
        self.fonts.script(script).chart.get_ref()
    }

    /// Every font family a script's text and charts are set in (body,
    /// heading, chart, and the symbols face), each with where theme.toml
    /// names it.
    pub fn families(&self, script: Script) -> Vec<(&str, Range<usize>)> {
        let f = self.fonts.script(script);
        let listed = f.body.iter().chain(&f.heading).map(|n| (n.get_ref().name(), n.span()));
        let mut all: Vec<(&str, Range<usize>)> = listed.collect();
        all.push((f.chart.get_ref(), f.chart.span()));
        all.extend(self.fonts.symbols.iter().map(|s| (s.get_ref().as_str(), s.span())));
        all
    }
}

impl Fonts {
    fn script(&self, script: Script) -> &ScriptFonts {
        match script {
            Script::Latin => &self.latin,
            Script::Cjk => &self.cjk,
            Script::Arabic => &self.arabic,
        }
    }
}

#[derive(Deserialize)]
struct File {
    colours: Colours,
    charts: Charts,
    fonts: Fonts,
    copyfit: Option<Spanned<CopyfitFile>>,
}

/// `[copyfit]` as written: the templates read `leading`, `spacing` and `tracking`.
#[derive(Deserialize)]
struct CopyfitFile {
    threshold: f64,
    steps: u8,
}

#[derive(Deserialize)]
struct Colours {
    sdg: [Colour; 17],
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Charts {
    palette: Spanned<Vec<Colour>>,
    ink: Colour,
    grid: Colour,
    muted: Colour,
    label_px: Spanned<f64>,
    second_tint: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
struct Fonts {
    /// Ends every body and heading list (the templates read it).
    #[serde(default)]
    symbols: Option<Spanned<String>>,
    latin: ScriptFonts,
    cjk: ScriptFonts,
    arabic: ScriptFonts,
}

#[derive(Debug, Clone, Deserialize)]
struct ScriptFonts {
    chart: Spanned<String>,
    /// The templates read these; vlr checks that fonts/ has each family.
    #[serde(default)]
    body: Vec<Spanned<FontName>>,
    #[serde(default)]
    heading: Vec<Spanned<FontName>>,
}

/// A family in a list of faces: its name, or a table naming it (with what
/// it covers, which the templates read).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum FontName {
    Name(String),
    Table { name: String },
}

impl FontName {
    fn name(&self) -> &str {
        match self {
            Self::Name(n) | Self::Table { name: n } => n,
        }
    }
}

impl Theme {
    /// The theme's path in a project whose entry template is `template`.
    pub fn path(template: &str) -> PathBuf {
        Path::new(template).parent().unwrap_or(Path::new("")).join(FILE)
    }

    /// Reads the theme of the project at `root` (its text goes to `sources`,
    /// for diagnostics).
    pub fn load(root: &Path, template: &str, sources: &mut Sources) -> Result<Theme, Diag> {
        let rel = Self::path(template);
        let text = read_confined(root, &rel).map_err(|e| {
            Diag::general(e).with_hint(format!(
                "the book's colours, fonts and sizes live in {} (`vlr init` writes one)",
                rel.display()
            ))
        })?;
        sources.insert(&rel, text.clone());
        Self::parse(&rel, &text)
    }

    /// Parses a theme's text; `rel` names it in diagnostics.
    pub fn parse(rel: &Path, text: &str) -> Result<Theme, Diag> {
        let file: File = parse_toml(rel, text)?;
        let charts = file.charts;
        if charts.palette.get_ref().is_empty() {
            return Err(Diag::error(rel, Some(charts.palette.span()), "the charts' palette needs at least one colour"));
        }
        let px = *charts.label_px.get_ref();
        if !(4.0..=40.0).contains(&px) {
            return Err(Diag::error(rel, Some(charts.label_px.span()), "`label-px` is a size from 4 to 40 px"));
        }
        if let Some(t) = &charts.second_tint
            && !(0.1..=0.9).contains(t.get_ref())
        {
            return Err(Diag::error(
                rel,
                Some(t.span()),
                "`second-tint` is a strength from 0.1 to 0.9 (0.4: the goal colour at 40% over white)",
            ));
        }
        let style = ChartStyle {
            palette: charts.palette.into_inner(),
            ink: charts.ink,
            grid: charts.grid,
            muted: charts.muted,
            label_px: px,
            second_tint: charts.second_tint.map(Spanned::into_inner),
            fonts: file.fonts,
        };
        let copyfit = match file.copyfit {
            None => None,
            Some(c) => {
                let span = c.span();
                let c = c.into_inner();
                if !(0.0..=0.9).contains(&c.threshold) || c.steps > 5 {
                    return Err(Diag::error(
                        rel,
                        Some(span),
                        "`[copyfit]` takes a `threshold` from 0 to 0.9 (a share of the page) and at most 5 `steps`",
                    ));
                }
                Some(Copyfit { threshold: c.threshold, steps: c.steps })
            }
        };
        Ok(Theme { sdg: file.colours.sdg, charts: style, copyfit })
    }

    /// The official colour of SDG `goal` (1–17).
    pub fn goal_colour(&self, goal: usize) -> Option<Colour> {
        goal.checked_sub(1).and_then(|i| self.sdg.get(i)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THEME: &str = include_str!("../templates/theme.toml");

    fn parse(text: &str) -> Result<Theme, Diag> {
        Theme::parse(Path::new("templates/theme.toml"), text)
    }

    #[test]
    fn reads_the_bundled_theme() {
        let t = parse(THEME).unwrap();
        assert_eq!(t.goal_colour(1), Some(Colour(0xE5, 0x24, 0x3B)));
        assert_eq!(t.goal_colour(17), Some(Colour(0x19, 0x48, 0x6A)));
        assert_eq!(t.goal_colour(18), None);
        assert_eq!(t.charts.ink, Colour(0x33, 0x33, 0x33));
        assert_eq!(t.charts.palette.len(), 5);
        assert_eq!(t.charts.font(Script::Latin), "Noto Sans");
        assert_eq!(t.charts.font(Script::Arabic), "Noto Naskh Arabic");
    }

    #[test]
    fn a_scripts_families_are_listed_where_named() {
        let t = parse(THEME).unwrap();
        let cjk = t.charts.families(Script::Cjk);
        let names: Vec<&str> = cjk.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            names,
            ["Noto Serif", "Noto Serif CJK SC", "Noto Sans", "Noto Sans CJK SC", "Noto Sans CJK SC", "DejaVu Sans"]
        );
        // A family named in a table is pointed at by its table.
        assert!(THEME[cjk[0].1.clone()].starts_with("{ name = \"Noto Serif\""), "{}", &THEME[cjk[0].1.clone()]);
        assert_eq!(&THEME[cjk[5].1.clone()], "\"DejaVu Sans\"");
    }

    #[test]
    fn a_bad_colour_is_located() {
        let text = THEME.replace("ink = \"#333333\"", "ink = \"#33333\"");
        let d = parse(&text).unwrap_err();
        assert_eq!(d.message, "`#33333` is not a colour");
        assert_eq!(&text[d.span.clone().unwrap()], "\"#33333\"");
        assert!(d.notes[0].contains("#rrggbb"), "{d:?}");
    }

    #[test]
    fn seventeen_goal_colours_and_a_palette() {
        let d = parse(&THEME.replace("\"#DD1367\", ", "")).unwrap_err();
        assert!(d.message.contains("17"), "{d:?}");
        let text = THEME
            .replace("palette = [\"#00689D\", \"#FD9D24\", \"#4C9F38\", \"#A21942\", \"#19486A\"]", "palette = []");
        let d = parse(&text).unwrap_err();
        assert_eq!(&text[d.span.clone().unwrap()], "[]");
        let d = parse(&THEME.replace("label-px = 14", "label-px = 0")).unwrap_err();
        assert!(d.message.contains("label-px"), "{d:?}");
    }
}
