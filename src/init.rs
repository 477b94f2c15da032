//! `vlr init <dir>`: scaffolds a new city's project that builds at once.

use std::path::Path;

/// The files of a new project: (path, contents).
const FILES: &[(&str, &str)] = &[
    ("vlr.toml", include_str!("scaffold/vlr.toml")),
    ("data/indicators.toml", include_str!("scaffold/indicators.toml")),
    ("text/en/meta.toml", include_str!("scaffold/meta.toml")),
    ("text/en/intro.toml", include_str!("scaffold/intro.toml")),
    ("templates/main.typ", include_str!("../templates/main.typ")),
    ("templates/lib.typ", include_str!("../templates/lib.typ")),
    (".gitignore", "/dist\n"),
];

/// The Latin fonts a new English project needs, built into vlr.
const FONTS: &[(&str, &[u8])] = &[
    ("NotoSans-Regular.ttf", include_bytes!("../fonts/NotoSans-Regular.ttf")),
    ("NotoSans-Bold.ttf", include_bytes!("../fonts/NotoSans-Bold.ttf")),
    ("NotoSans-BoldItalic.ttf", include_bytes!("../fonts/NotoSans-BoldItalic.ttf")),
    ("NotoSerif-Regular.ttf", include_bytes!("../fonts/NotoSerif-Regular.ttf")),
    ("NotoSerif-Bold.ttf", include_bytes!("../fonts/NotoSerif-Bold.ttf")),
    ("NotoSerif-Italic.ttf", include_bytes!("../fonts/NotoSerif-Italic.ttf")),
    ("OFL.txt", include_bytes!("../fonts/OFL.txt")),
];

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

/// Writes a new project into `dir`, which must not exist or be empty.
pub fn init(dir: &Path, opts: &InitOptions) -> Result<Vec<String>, String> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.next().is_some() {
        return Err(format!("{} is not empty: vlr init only writes into a new or empty folder", dir.display()));
    }
    let key: String = opts
        .city
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string();
    let key = if key.is_empty() { "city".to_string() } else { key };
    let fill = |s: &str| {
        s.replace("{{city-key}}", &key)
            .replace("{{city}}", &opts.city)
            .replace("{{edition}}", &opts.edition.to_string())
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
                let path = entry.path();
                if path.is_file() {
                    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    let name = format!("fonts/{}", entry.file_name().to_string_lossy());
                    write(&name, &bytes, &mut written)?;
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
    }
}
