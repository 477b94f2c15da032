//! `vlr translate export|import|stamp`: texts to translators as XLIFF and
//! their translations back (the work itself is in `crate::translate`).

use std::io::IsTerminal;
use std::path::Path;

use crate::cli::{StampArgs, TranslateCommand};
use crate::diag::{Diag, Sources};
use crate::report::{ExitStatus, Failure, Reporter};
use crate::translate::{self, Outcome};

/// Runs `vlr translate …`.
pub fn run(cmd: &TranslateCommand, r: &mut Reporter) -> ExitStatus {
    let dir = match cmd {
        TranslateCommand::Export(a) => &a.root,
        TranslateCommand::Import(a) => &a.root,
        TranslateCommand::Stamp(a) => &a.root,
    };
    let root = match super::project_root(dir.as_deref()) {
        Ok(r) => r,
        Err(f) => return r.fail(f, Path::new(".")),
    };
    let done = match cmd {
        TranslateCommand::Export(a) => translate::export(&root, &a.lang, a.all, a.out.as_deref()),
        TranslateCommand::Import(a) => translate::import(&root, &a.file),
        TranslateCommand::Stamp(a) => match stamp(&root, a, r) {
            Ok(Some(outcome)) => Ok(outcome),
            Ok(None) => return ExitStatus::Success,
            Err(refused) => match *refused {
                Refused::Usage(sources, d) => return r.fail(Failure::new(sources, vec![d], ExitStatus::Usage), &root),
                Refused::Problems(sources, d) => Err((sources, d)),
            },
        },
    };
    match done {
        Ok(outcome) => {
            r.diags(&Default::default(), &outcome.warnings, &root);
            for (verb, rest) in &outcome.lines {
                r.status(verb, rest);
            }
            ExitStatus::Success
        }
        Err((sources, diags)) => {
            let untouched = translate::nothing_written(&diags);
            let exit = r.fail(Failure::new(sources, diags, ExitStatus::Problems), &root);
            if untouched {
                r.status("Failed", "nothing written (fix the errors above)");
            } else {
                r.status("Failed", "some files were written (see above)");
            }
            exit
        }
    }
}

/// Why a stamp was not written.
enum Refused {
    /// `--all` without `--yes` where nobody can be asked.
    Usage(Sources, Diag),
    /// Problems in the project's files.
    Problems(Sources, Vec<Diag>),
}

/// `vlr translate stamp`: with `--all`, lists the stale translations it would
/// mark current and asks on a terminal; elsewhere it wants `--yes`. `None`:
/// the user said no.
fn stamp(root: &Path, a: &StampArgs, r: &mut Reporter) -> Result<Option<Outcome>, Box<Refused>> {
    let plan =
        translate::plan_stamp(root, &a.lang, &a.keys, a.all).map_err(|(s, d)| Box::new(Refused::Problems(s, d)))?;
    if plan.needs_confirmation() && !a.yes {
        let listing = plan.stale_listing();
        let n = listing.len();
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let lang = plan.lang().to_string();
        r.status(
            "Stamping",
            &format!("{lang}: {n} stale translation(s) would be marked up to date, unread by a translator:"),
        );
        for line in &listing {
            r.item(line);
        }
        if !interactive {
            let d = Diag::general(format!(
                "not stamped: `--all` marks {n} stale translation(s) up to date without anyone reading them, and there is no terminal to confirm on"
            ))
            .with_hint(format!(
                "check the list above, then pass --yes (`vlr translate stamp --lang {lang} --all --yes`), or stamp them by key"
            ));
            return Err(Box::new(Refused::Usage(plan.sources().clone(), d)));
        }
        if !r.ask(&format!("Mark these {n} translation(s) up to date?"), &mut std::io::stdin().lock()) {
            r.status("Cancelled", "nothing stamped");
            return Ok(None);
        }
    }
    plan.write().map(Some).map_err(|(s, d)| Box::new(Refused::Problems(s, d)))
}
