//! One module per command, as in typst's own CLI: each parses nothing
//! (clap did), runs the [pipeline](crate::pipeline) or its own work, prints
//! through a [`Reporter`](crate::report::Reporter) and returns an
//! [`ExitStatus`].

pub mod build;
pub mod check;
pub mod data;
pub mod diff;
pub mod init;
pub mod new_edition;
pub mod translate;
pub mod watch;

use std::path::{Path, PathBuf};

use crate::diag::Diag;
use crate::report::{ExitStatus, Failure};

/// The project folder: `--root` if given, else the nearest folder upwards
/// from the working directory that holds vlr.toml (a usage error if none does).
pub fn project_root(root: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(r) = root {
        return Ok(r.to_path_buf());
    }
    let usage = |d: Diag| Failure::general(d, ExitStatus::Usage);
    let cwd =
        std::env::current_dir().map_err(|e| usage(Diag::general(format!("cannot read the working directory: {e}"))))?;
    crate::project::find_root(&cwd).ok_or_else(|| {
        usage(
            Diag::general(format!(
                "no {} found in {} or any parent folder",
                crate::project::PROJECT_FILE,
                cwd.display()
            ))
            .with_hint("run vlr inside a project, pass --root DIR, or start one with `vlr init DIR`"),
        )
    })
}
