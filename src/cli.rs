//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::export::Profile;

/// vlr builds a city's SDG Voluntary Local Review from data into print-ready PDFs.
#[derive(Debug, Parser)]
#[command(name = "vlr", version, about, propagate_version = true)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more detail (timings, warnings in full).
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Stop compiling an edition after this many seconds (default: `time-limit`
    /// in vlr.toml, else 300).
    #[arg(long, global = true, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub time_limit: Option<u64>,
    /// Stop when vlr holds more than this much memory, in MB (default: three
    /// quarters of the machine's memory).
    #[arg(long, global = true, value_name = "MB", value_parser = clap::value_parser!(u64).range(64..))]
    pub memory_limit: Option<u64>,
}

/// vlr's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the PDF editions.
    Build(BuildArgs),
    /// Check data, text and templates without writing any PDF.
    Check(ProjectArgs),
    /// Build, then rebuild whenever data, text, templates or fonts change.
    Watch(BuildArgs),
    /// Start a new city's project in DIR (it builds at once).
    Init(InitArgs),
    /// Roll the project to a new reporting year; `vlr check` then lists every figure to update.
    NewEdition(NewEditionArgs),
    /// Show every figure, text and chart that changed since the previous edition (or another copy of the project).
    Diff(DiffArgs),
    /// Hand texts to translators as XLIFF and take their translations back.
    #[command(subcommand)]
    Translate(TranslateCommand),
    /// Ask the bureaus for the edition's figures, and see how far the data are.
    #[command(subcommand)]
    Data(DataCommand),
}

/// `vlr data`'s commands.
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write every figure the edition needs as a CSV file for the bureaus, grouped by source; filled in, it goes into data/ as it is.
    Request(DataRequestArgs),
    /// Show how far the data are for the edition, per chapter and per goal, and every indicator that is not current.
    Status(DataStatusArgs),
}

/// Arguments of `vlr data request`.
#[derive(Debug, Args, Clone)]
pub struct DataRequestArgs {
    /// Also give each figure's label in this language (a `label_<lang>` column).
    #[arg(long, short = 'l')]
    pub lang: Option<String>,
    /// The file to write (default: requests/<output>.csv in the project folder).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Arguments of `vlr data status`.
#[derive(Debug, Args, Clone)]
pub struct DataStatusArgs {
    /// How to print it: `text` for a person, `csv` or `json` (one entry per indicator, on standard output).
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Output formats of `vlr data status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// For a person.
    Text,
    /// One row per indicator.
    Csv,
    /// One object per indicator.
    Json,
}

/// `vlr translate`'s commands.
#[derive(Debug, Subcommand)]
pub enum TranslateCommand {
    /// Write the source texts a language needs (untranslated or stale) as XLIFF 2.0, for a CAT tool.
    Export(ExportArgs),
    /// Check a translated XLIFF file and write it into text/<lang>/ (nothing is written if it has errors).
    Import(ImportArgs),
    /// Mark the current translation as up to date with the source (records its fingerprints).
    Stamp(StampArgs),
}

/// Arguments of `vlr translate export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// The language to translate into.
    #[arg(long, short = 'l')]
    pub lang: String,
    /// Every text, translated or not (translations included, for review or a full round trip).
    #[arg(long)]
    pub all: bool,
    /// The XLIFF file to write (default: translations/<output>.<lang>.xlf in the project folder).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Arguments of `vlr translate import`.
#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The translated XLIFF file (its trgLang names the language).
    pub file: PathBuf,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Arguments of `vlr translate stamp`.
#[derive(Debug, Args, Clone)]
pub struct StampArgs {
    /// The translation's language.
    #[arg(long, short = 'l')]
    pub lang: String,
    /// Only these texts: a file (`intro`) or a file and a text as vlr check names them (`intro/block.p1`).
    #[arg(value_name = "KEY")]
    pub keys: Vec<String>,
    /// Also stamp stale texts (default: only texts that record no fingerprint yet); lists them and asks first.
    #[arg(long)]
    pub all: bool,
    /// Stamp stale texts with --all without asking (what a script or CI must pass).
    #[arg(long, short = 'y', requires = "all")]
    pub yes: bool,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Where the project is.
#[derive(Debug, Args, Clone)]
pub struct ProjectArgs {
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Only these languages (repeat or comma-separate); default: all in vlr.toml.
    #[arg(long = "lang", short = 'l', value_delimiter = ',', value_parser = language)]
    pub langs: Vec<String>,
}

/// Arguments of `vlr build`.
#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// Project and languages.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output folder, relative to the project root [default: dist; a `dist`
    /// that is a symlink is refused, a folder named here is the user's choice].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Output profile.
    #[arg(long, value_enum, default_value_t = Profile::Submission)]
    pub profile: Profile,
    /// Build even where translations are missing or stale, marking each on the page.
    #[arg(long)]
    pub draft: bool,
    /// Also use the system's fonts (default: only the project's fonts/).
    #[arg(long)]
    pub system_fonts: bool,
    /// Editions made at once [default: one per two cores]. Each holds its
    /// layout in memory while it is made (about 150 MB for the bundled
    /// book): more at once is faster where memory is to spare.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,
    /// Also write each edition's Typst sources, data and charts to DIR/<lang>/,
    /// for the stock typst CLI (see bench/).
    #[arg(long, value_name = "DIR")]
    pub emit_typst: Option<PathBuf>,
}

/// Arguments of `vlr init`.
#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// The folder to create (must be new or empty).
    pub dir: PathBuf,
    /// The city's name as printed on the cover.
    #[arg(long, default_value = "Newtown")]
    pub city: String,
    /// The reporting year.
    #[arg(long, default_value_t = 2025)]
    pub edition: i32,
    /// Copy all fonts (e.g. Chinese, Arabic) from this vlr project instead of the built-in Latin ones.
    #[arg(long, value_name = "PROJECT")]
    pub fonts_from: Option<PathBuf>,
}

/// Arguments of `vlr new-edition`.
#[derive(Debug, Args, Clone)]
pub struct NewEditionArgs {
    /// The new reporting year.
    pub year: i64,
    /// Accept a year more than five years ahead.
    #[arg(long)]
    pub force: bool,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Arguments of `vlr diff`.
#[derive(Debug, Args, Clone)]
pub struct DiffArgs {
    /// Compare with this copy of the project (last year's checkout, another
    /// revision) [default: this project's previous edition, from the same data].
    #[arg(long, value_name = "DIR")]
    pub against: Option<PathBuf>,
    /// The edition to compare from [default: the edition before this one; with
    /// --against, DIR's edition].
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1800..=2200))]
    pub from: Option<i32>,
    /// Also write every difference to FILE as CSV, one row each.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// The language whose texts, labels and printed figures are compared
    /// [default: the source language].
    #[arg(long, short = 'l', value_parser = language)]
    pub lang: Option<String>,
    /// Also list what did not change.
    #[arg(long)]
    pub all: bool,
    /// The project folder (default: the nearest folder upwards holding vlr.toml).
    #[arg(long, short = 'p', value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// A language tag (a usage error otherwise, exit code 2). Whether the project
/// builds it (built-in strings or its `i18n/<lang>.toml`, and listed in
/// vlr.toml) is checked once the project is loaded, also a usage error.
fn language(s: &str) -> Result<String, String> {
    if s.parse::<icu_locale_core::Locale>().is_ok() && !s.is_empty() {
        Ok(s.to_string())
    } else {
        Err(format!(
            "unsupported language `{s}`: not a language tag (built in: {}; others with i18n/<lang>.toml)",
            crate::i18n::SUPPORTED.join(", ")
        ))
    }
}
