//! What vlr tells its user: status lines, diagnostics and the exit status,
//! through one [`Reporter`] that every command writes to.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codespan_reporting::term::termcolor::{Color, ColorSpec, WriteColor};

use crate::diag::{self, Diag, Sources};

/// How chatty to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only.
    Quiet,
    /// Status lines and warnings.
    Normal,
    /// Also timings.
    Verbose,
}

/// How a command ended. Ordered: a worse status wins in [`Ord::max`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// Done (warnings, if any, were printed).
    Success,
    /// Problems in the project's files (exit code 1).
    Problems,
    /// A usage or environment error: bad arguments, an unwritable output
    /// folder, unreadable fonts (exit code 2).
    Usage,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Problems => 1,
            ExitStatus::Usage => 2,
        }
    }

    /// Whether the command succeeded.
    pub fn is_success(self) -> bool {
        self == ExitStatus::Success
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> Self {
        ExitCode::from(s.code())
    }
}

/// Problems that stop a command: the diagnostics, the texts they point into,
/// and the exit status they mean.
#[derive(Debug)]
pub struct Failure {
    /// Texts of the files the diagnostics point into.
    pub sources: Sources,
    /// The problems (at least one error).
    pub diags: Vec<Diag>,
    /// The exit status.
    pub exit: ExitStatus,
    /// The folder the diagnostics' paths are relative to, where known (the project root).
    pub base: Option<std::path::PathBuf>,
}

impl Failure {
    /// Problems in files, their paths relative to the project root if known.
    pub fn new(sources: Sources, diags: Vec<Diag>, exit: ExitStatus) -> Self {
        Failure { sources, diags, exit, base: None }
    }

    /// One problem with no file to point into.
    pub fn general(diag: Diag, exit: ExitStatus) -> Self {
        Failure::new(Sources::default(), vec![diag], exit)
    }
}

/// Prints status lines and diagnostics to the terminal (or any stream).
///
/// While a progress bar runs, every line is printed with the bar hidden,
/// so output never tears it.
pub struct Reporter<'a> {
    out: &'a mut dyn WriteColor,
    verbosity: Verbosity,
    bar: Option<indicatif::ProgressBar>,
    /// Every diagnostic given, printed or not (see [`Reporter::remember`]).
    seen: Option<Vec<Diag>>,
    /// Diagnostics kept instead of printed (see [`Reporter::holding`]).
    held: Option<Held>,
}

/// What a holding reporter keeps: the diagnostics not among `skip`, each
/// batch with the texts it quotes and the folder its paths are relative to.
struct Held {
    skip: HashSet<Diag>,
    kept: Vec<(Sources, Vec<Diag>, PathBuf)>,
}

impl<'a> Reporter<'a> {
    /// A reporter writing to `out`.
    pub fn new(out: &'a mut dyn WriteColor, verbosity: Verbosity) -> Self {
        Reporter { out, verbosity, bar: None, seen: None, held: None }
    }

    /// A reporter that prints nothing and keeps the diagnostics not among
    /// `skip`, for [`Reporter::print_held`]: `vlr watch`'s full pass, whose
    /// problems the quick pass before it printed, all but those that only
    /// its own layout has.
    pub fn holding(out: &'a mut dyn WriteColor, skip: HashSet<Diag>) -> Self {
        Reporter { held: Some(Held { skip, kept: Vec::new() }), ..Reporter::new(out, Verbosity::Quiet) }
    }

    /// What a [`Reporter::holding`] kept, printed to `to`.
    pub fn print_held(self, to: &mut Reporter) {
        for (sources, diags, base) in self.held.map(|h| h.kept).unwrap_or_default() {
            to.diags(&sources, &diags, &base);
        }
    }

    /// From now on, remembers every diagnostic given (printed or not: a
    /// quiet reporter's warnings too), for [`Reporter::remembered`].
    pub fn remember(&mut self) {
        self.seen = Some(Vec::new());
    }

    /// The diagnostics given since [`Reporter::remember`]; it remembers no more.
    pub fn remembered(&mut self) -> Vec<Diag> {
        self.seen.take().unwrap_or_default()
    }

    /// How chatty to be.
    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// Whether only errors are printed.
    pub fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    /// Whether timings are printed.
    pub fn verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// A progress bar of `steps` steps, on a terminal and for two steps or
    /// more (plain lines otherwise); lines printed meanwhile hide it.
    pub fn start_progress(&mut self, steps: usize) -> Option<indicatif::ProgressBar> {
        if self.quiet() || steps < 2 || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return None;
        }
        let bar = indicatif::ProgressBar::new(steps as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner:.green} [{bar:30.cyan/blue}] {pos}/{len} {msg} ({elapsed})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        self.bar = Some(bar.clone());
        Some(bar)
    }

    /// Clears the progress bar, if any.
    pub fn finish_progress(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }

    /// Runs `f` on the stream with the progress bar (if any) hidden.
    fn print(&mut self, f: impl FnOnce(&mut dyn WriteColor)) {
        match &self.bar {
            Some(b) => b.suspend(|| f(self.out)),
            None => f(self.out),
        }
    }

    /// A status line: a right-aligned green verb, then the rest ("   Written dist/x.pdf").
    pub fn status(&mut self, verb: &str, rest: &str) {
        if self.quiet() {
            return;
        }
        self.print(|out| {
            let _ = out.set_color(ColorSpec::new().set_fg(Some(Color::Green)).set_bold(true));
            let _ = write!(out, "{verb:>12}");
            let _ = out.reset();
            let _ = writeln!(out, " {rest}");
        });
    }

    /// A line of a list under a status line, indented to its text.
    pub fn item(&mut self, line: &str) {
        if self.quiet() {
            return;
        }
        self.print(|out| {
            let _ = writeln!(out, "             {line}");
        });
    }

    /// Asks a yes-or-no question on the terminal and reads the answer from
    /// `input`: yes only for `y` or `yes`.
    pub fn ask(&mut self, question: &str, input: &mut dyn std::io::BufRead) -> bool {
        self.print(|out| {
            let _ = write!(out, "{question} [y/N] ");
            let _ = out.flush();
        });
        let mut answer = String::new();
        input.read_line(&mut answer).is_ok() && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
    }

    /// A timing line, printed only with `--verbose`.
    pub fn timing(&mut self, rest: &str) {
        if self.verbose() {
            self.status("Timings", rest);
        }
    }

    /// Prints diagnostics (warnings only when not quiet), paths relative to `base`.
    pub fn diags(&mut self, sources: &Sources, diags: &[Diag], base: &Path) {
        if let Some(seen) = &mut self.seen {
            seen.extend(diags.iter().cloned());
        }
        if let Some(held) = &mut self.held {
            let new: Vec<Diag> = diags.iter().filter(|d| !held.skip.contains(*d)).cloned().collect();
            if !new.is_empty() {
                held.kept.push((sources.clone(), new, base.to_path_buf()));
            }
            return;
        }
        let quiet = self.quiet();
        let shown: Vec<Diag> = diags.iter().filter(|d| d.is_error() || !quiet).cloned().collect();
        if shown.is_empty() {
            return;
        }
        self.print(|out| diag::emit(out, sources, &shown, base));
    }

    /// Prints a failure's problems and returns its exit status; paths are
    /// shown relative to the failure's own base, else to `base`.
    pub fn fail(&mut self, failure: Failure, base: &Path) -> ExitStatus {
        self.diags(&failure.sources, &failure.diags, failure.base.as_deref().unwrap_or(base));
        failure.exit
    }
}

/// Drops repeated diagnostics (the same problem seen once per edition).
pub fn dedup(diags: Vec<Diag>) -> Vec<Diag> {
    let mut seen = HashSet::new();
    diags.into_iter().filter(|d| seen.insert(d.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worse_status_wins() {
        assert_eq!(ExitStatus::Success.max(ExitStatus::Problems), ExitStatus::Problems);
        assert_eq!(ExitStatus::Usage.max(ExitStatus::Problems), ExitStatus::Usage);
        assert_eq!([0, 1, 2], [ExitStatus::Success, ExitStatus::Problems, ExitStatus::Usage].map(ExitStatus::code));
    }

    #[test]
    fn quiet_prints_errors_only() {
        let mut buf = Vec::new();
        let mut out = diag::NoColor::new(&mut buf);
        let mut r = Reporter::new(&mut out, Verbosity::Quiet);
        r.status("Written", "x.pdf");
        r.item("a line");
        let warning = Diag { severity: diag::Severity::Warning, ..Diag::general("w") };
        r.diags(&Sources::default(), &[warning, Diag::general("e")], Path::new("."));
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("error: e"), "{text}");
        assert!(!text.contains("warning") && !text.contains("Written") && !text.contains("a line"), "{text}");
    }

    #[test]
    fn a_holding_reporter_passes_on_only_what_was_not_said_before() {
        let warning = |m: &str| Diag { severity: diag::Severity::Warning, ..Diag::general(m) };
        // What a quick pass said, remembered though it printed only errors.
        let mut sink = diag::NoColor::new(Vec::new());
        let mut quick = Reporter::new(&mut sink, Verbosity::Quiet);
        quick.remember();
        quick.diags(
            &Sources::default(),
            &[warning("said before"), Diag::general("an error said before")],
            Path::new("."),
        );
        let said: HashSet<Diag> = quick.remembered().into_iter().collect();
        assert_eq!(said.len(), 2);

        let mut held_out = diag::NoColor::new(Vec::new());
        let mut full = Reporter::holding(&mut held_out, said);
        full.status("Written", "x.pdf");
        full.diags(&Sources::default(), &[warning("said before"), warning("only this layout's")], Path::new("."));
        full.diags(&Sources::default(), &[Diag::general("an error said before")], Path::new("."));
        let mut buf = Vec::new();
        let mut out = diag::NoColor::new(&mut buf);
        let mut r = Reporter::new(&mut out, Verbosity::Normal);
        full.print_held(&mut r);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("warning: only this layout's"), "{text}");
        assert!(!text.contains("said before") && !text.contains("Written"), "{text}");
        assert!(held_out.into_inner().is_empty());
    }
}
