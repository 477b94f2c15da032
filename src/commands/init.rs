//! `vlr init <dir>`: scaffolds a new city's project that builds at once.

use std::path::Path;

use crate::diag::Diag;
use crate::report::{ExitStatus, Failure, Reporter};

/// The files of a new project: (path, contents).
const FILES: &[(&str, &str)] = &[
    ("vlr.toml", include_str!("../scaffold/vlr.toml")),
    ("data/indicators.toml", include_str!("../scaffold/indicators.toml")),
    ("data/energy.csv", include_str!("../scaffold/energy.csv")),
    ("text/en/meta.toml", include_str!("../scaffold/meta.toml")),
    ("text/en/intro.toml", include_str!("../scaffold/intro.toml")),
    ("templates/main.typ", include_str!("../../templates/main.typ")),
    ("templates/lib.typ", include_str!("../../templates/lib.typ")),
    ("templates/dashboard.typ", include_str!("../../templates/dashboard.typ")),
    ("templates/theme.toml", include_str!("../../templates/theme.toml")),
    ("translations/README.md", include_str!("../scaffold/translations.md")),
    // Built files only: `translations/` (the XLIFF exchanged with translators and
    // the source each translation was made from) is kept with the texts.
    (".gitignore", "/dist\n"),
];

/// The fonts a new project in a Latin script needs, built into vlr: the
/// theme's Latin faces and its symbols face.
const FONTS: &[(&str, &[u8])] = &[
    ("NotoSans-Regular.ttf", include_bytes!("../../fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold.ttf", include_bytes!("../../fonts/NotoSans-Bold.ttf")),
    ("NotoSans-BoldItalic.ttf", include_bytes!("../../fonts/NotoSans-BoldItalic.ttf")),
    ("NotoSerif-Regular.ttf", include_bytes!("../../fonts/NotoSerif-Regular.ttf")),
    ("NotoSerif-Bold.ttf", include_bytes!("../../fonts/NotoSerif-Bold.ttf")),
    ("NotoSerif-Italic.ttf", include_bytes!("../../fonts/NotoSerif-Italic.ttf")),
    ("OFL.txt", include_bytes!("../../fonts/OFL.txt")),
    // The symbols face every font list of the theme ends with (arrows, check marks, the minus sign).
    ("DejaVuSans.ttf", include_bytes!("../../fonts/DejaVuSans.ttf")),
    ("DejaVu-LICENSE.txt", include_bytes!("../../fonts/DejaVu-LICENSE.txt")),
];

/// Runs `vlr init`.
pub fn run(args: &crate::cli::InitArgs, r: &mut Reporter) -> ExitStatus {
    let opts = InitOptions { city: args.city.clone(), edition: args.edition, fonts_from: args.fonts_from.clone() };
    match init(&args.dir, &opts) {
        Ok(files) => {
            r.status("Created", &format!("{} ({} files)", args.dir.display(), files.len()));
            r.status("Next", &format!("cd {} && vlr build", args.dir.display()));
            ExitStatus::Success
        }
        Err(e) => r.fail(Failure::general(Diag::general(e), ExitStatus::Usage), Path::new(".")),
    }
}

/// Options of `vlr init`.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The city's name as printed.
    pub city: String,
    /// The reporting year.
    pub edition: i32,
    /// Copy every font of this project (e.g. for Chinese or Arabic) instead of the built-in Latin ones.
    pub fonts_from: Option<std::path::PathBuf>,
}

/// Writes a new project into `dir`, which must not exist or be empty. The
/// project is written into a temporary folder beside it and moved into place
/// at the end, so a failure leaves nothing half-written.
pub fn init(dir: &Path, opts: &InitOptions) -> Result<Vec<String>, String> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.next().is_some() {
        return Err(format!("{} is not empty: vlr init only writes into a new or empty folder", dir.display()));
    }
    if !(1900..=2100).contains(&opts.edition) {
        return Err(format!("--edition {} is not a reporting year (1900 to 2100)", opts.edition));
    }
    if opts.city.trim().is_empty() || opts.city.chars().any(|c| c.is_control() || matches!(c, '*' | '{' | '}' | '\\')) {
        return Err(format!(
            "--city {:?}: a city's name cannot be empty or hold control characters, `*`, `{{`, `}}` or `\\`",
            opts.city
        ));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
    let tmp = parent.join(format!(".{name}.vlr-init-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = write_project(&tmp, opts);
    let result = result.and_then(|files| {
        if dir.exists() {
            std::fs::remove_dir(dir).map_err(|e| format!("cannot replace {}: {e}", dir.display()))?;
        }
        std::fs::rename(&tmp, dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        Ok(files)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

fn write_project(dir: &Path, opts: &InitOptions) -> Result<Vec<String>, String> {
    let key: String = opts
        .city
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    let key = if key.is_empty() { "city".to_string() } else { key };
    // The name goes into TOML strings: escape what TOML escapes.
    let city = opts.city.replace('"', "\\\"");
    let fill = |s: &str| {
        let mut s = s.replace("{{city-key}}", &key).replace("{{city}}", &city);
        for back in 1..=4 {
            s = s.replace(&format!("{{{{edition-{back}}}}}"), &(opts.edition - back).to_string());
        }
        s.replace("{{edition}}", &opts.edition.to_string())
            .replace("{{published}}", &format!("{}-07-01", opts.edition + 1))
    };
    let mut written = Vec::new();
    let write = |rel: &str, bytes: &[u8], written: &mut Vec<String>| -> Result<(), String> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(rel.to_string());
        Ok(())
    };
    for (rel, text) in FILES {
        let text = if rel.starts_with("templates/") { text.to_string() } else { fill(text) };
        write(rel, text.as_bytes(), &mut written)?;
    }
    match &opts.fonts_from {
        Some(from) => {
            let src = from.join("fonts");
            let entries = std::fs::read_dir(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                // Regular font files (and their licence) only: never through a
                // symlink (it could name a private key), never a FIFO (it would block).
                if !entry.file_type().is_ok_and(|t| t.is_file()) || !font_or_licence(&name) {
                    continue;
                }
                if let Some(bytes) = read_regular(&entry.path())? {
                    write(&format!("fonts/{name}"), &bytes, &mut written)?;
                }
            }
        }
        None => {
            for (name, bytes) in FONTS {
                write(&format!("fonts/{name}"), bytes, &mut written)?;
            }
        }
    }
    Ok(written)
}

/// Whether `--fonts-from` copies a file of this name: a font (.ttf, .otf,
/// .ttc, .otc) or its licence (`OFL.txt`, `LICENSE…`).
fn font_or_licence(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let font = Path::new(&lower)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "ttf" | "otf" | "ttc" | "otc"));
    font || lower == "ofl.txt" || lower.starts_with("license")
}

/// A regular file's bytes, opened without following a symlink (one swapped
/// in since the folder was listed is refused, not followed); `None` if it is
/// not a regular file or is larger than a font.
fn read_regular(path: &Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() || meta.len() > crate::fonts::MAX_FONT_FILE {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(crate::fonts::MAX_FONT_FILE).read_to_end(&mut bytes).map_err(cannot)?;
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_non_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x"), "").unwrap();
        let opts = InitOptions { city: "Testville".into(), edition: 2025, fonts_from: None };
        assert!(init(dir.path(), &opts).unwrap_err().contains("not empty"));
    }

    #[test]
    fn fills_in_city_and_edition() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new");
        let opts = InitOptions { city: "San José".into(), edition: 2025, fonts_from: None };
        init(&target, &opts).unwrap();
        let project = std::fs::read_to_string(target.join("vlr.toml")).unwrap();
        assert!(project.contains("city = \"san-josé\""), "{project}");
        assert!(project.contains("edition = 2025"));
        assert!(project.contains("published = 2026-07-01"));
        assert!(target.join("fonts/NotoSerif-Regular.ttf").is_file());
        assert!(target.join("translations/README.md").is_file(), "exports have a folder kept in git");
        assert_eq!(std::fs::read_to_string(target.join(".gitignore")).unwrap(), "/dist\n");
        let csv = std::fs::read_to_string(target.join("data/energy.csv")).unwrap();
        assert!(csv.contains("renewable-share,2021,18.5"), "{csv}");
    }

    #[test]
    fn refuses_bad_names_and_years_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("new");
        for (city, edition) in [("X*", 2025), ("", 2025), ("X", 0), ("X", 2147483647)] {
            let opts = InitOptions { city: city.into(), edition, fonts_from: None };
            assert!(init(&target, &opts).is_err(), "{city} {edition}");
        }
        let opts = InitOptions { city: "X".into(), edition: 2025, fonts_from: Some(dir.path().join("nowhere")) };
        assert!(init(&target, &opts).is_err());
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary folder is left");
        let opts = InitOptions { city: "Saint \"Quote\" City".into(), edition: 2025, fonts_from: None };
        init(&target, &opts).unwrap();
        let meta = std::fs::read_to_string(target.join("text/en/meta.toml")).unwrap();
        assert!(meta.contains("city = \"Saint \\\"Quote\\\" City\""), "{meta}");
    }
}
