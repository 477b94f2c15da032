//! vlr: turns a city's data and text into the print-ready, multilingual PDF
//! of its UN SDG Voluntary Local Review.
//!
//! The binary is a thin wrapper around [`run`], so tests can drive the CLI
//! in-process. [`run`] only dispatches: each command lives in
//! [`commands`], and every command that reads a project goes through the one
//! [`pipeline`] (load → validate → resolve → compile). docs/architecture.md
//! draws the whole flow.

pub mod charts;
// clap shows these doc comments as the commands' help, where `<lang>` is a
// placeholder, not HTML.
#[allow(rustdoc::invalid_html_tags)]
pub mod cli;
pub mod commands;
pub mod data;
pub mod diag;
pub mod export;
pub mod files;
pub mod fonts;
pub mod guard;
pub mod i18n;
pub mod limits;
pub mod pipeline;
pub mod project;
pub mod report;
pub mod sourcemap;
pub mod theme;
pub mod translate;
pub mod world;

use std::process::ExitCode;

use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::cli::{Cli, Command};
pub use crate::report::{ExitStatus, Reporter, Verbosity};

/// Runs the CLI.
pub fn run(cli: Cli) -> ExitCode {
    let verbosity = if cli.quiet {
        Verbosity::Quiet
    } else if cli.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    if let Some(secs) = cli.time_limit {
        guard::set_time_limit(secs);
    }
    if let Some(mb) = cli.memory_limit {
        guard::set_memory_limit_mb(mb);
    }
    let color =
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) { ColorChoice::Auto } else { ColorChoice::Never };
    let mut err = StandardStream::stderr(color);
    let r = &mut Reporter::new(&mut err, verbosity);
    let status = match &cli.command {
        Command::Build(args) => commands::build::run(args, r),
        Command::Check(args) => commands::check::run(args, r),
        Command::Watch(args) => commands::watch::run(args, r),
        Command::Init(args) => commands::init::run(args, r),
        Command::NewEdition(args) => commands::new_edition::run(args, r),
        Command::Diff(args) => commands::diff::run(args, r),
        Command::Translate(cmd) => commands::translate::run(cmd, r),
        Command::Data(cmd) => commands::data::run(cmd, r),
    };
    status.into()
}
