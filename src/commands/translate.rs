//! `vlr translate export|import|stamp`: texts to translators as XLIFF and
//! their translations back (the work itself is in `crate::translate`).

use std::path::Path;

use crate::cli::TranslateCommand;
use crate::report::{ExitStatus, Failure, Reporter};
use crate::translate;

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
        TranslateCommand::Stamp(a) => translate::stamp(&root, &a.lang, &a.keys, a.all),
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
