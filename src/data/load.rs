//! Reads the project's TOML files, keeping their text for diagnostics.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use super::model::{DataFile, MetaText, TextFile};
use crate::diag::{Diag, Sources};

/// Parses TOML text into `T`, turning syntax and schema errors into a located diagnostic.
pub fn parse_toml<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Diag> {
    toml::from_str(text).map_err(|err| {
        let message = err.message().trim().to_string();
        Diag::error(rel, err.span(), message)
    })
}

/// Everything read from `data/` and `text/`.
#[derive(Debug, Default)]
pub struct Loaded {
    /// `data/*.toml`, by project-relative path.
    pub data: Vec<(PathBuf, DataFile)>,
    /// Per language: chapter id → (path, text).
    pub texts: std::collections::BTreeMap<String, LangTexts>,
}

/// One language's text files.
#[derive(Debug, Default)]
pub struct LangTexts {
    /// `text/<lang>/meta.toml`.
    pub meta: Option<(PathBuf, MetaText)>,
    /// Chapter id → text.
    pub chapters: std::collections::BTreeMap<String, (PathBuf, TextFile)>,
}

/// Lists `*.toml` files of a folder, sorted; an absent folder is empty.
pub fn toml_files(root: &Path, rel_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(rel_dir)) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .filter_map(|p| p.file_name().map(|n| rel_dir.join(n)))
        .collect();
    files.sort();
    files
}

fn read(root: &Path, rel: &Path, sources: &mut Sources) -> Result<String, Diag> {
    let text = std::fs::read_to_string(root.join(rel))
        .map_err(|e| Diag::general(format!("cannot read {}: {e}", rel.display())))?;
    sources.insert(rel, text.clone());
    Ok(text)
}

/// Loads `data/` and the text of the given languages, collecting every problem.
pub fn load(root: &Path, langs: &[String], sources: &mut Sources, diags: &mut Vec<Diag>) -> Loaded {
    let mut loaded = Loaded::default();
    for rel in toml_files(root, Path::new("data")) {
        match read(root, &rel, sources)
            .and_then(|t| parse_toml::<DataFile>(&rel, &t).map(|f| keep_written_decimals(f, &t)))
        {
            Ok(file) => loaded.data.push((rel, file)),
            Err(d) => diags.push(d),
        }
    }
    for lang in langs {
        let dir = Path::new("text").join(lang);
        let mut texts = LangTexts::default();
        for rel in toml_files(root, &dir) {
            let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
            let text = match read(root, &rel, sources) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            if stem == "meta" {
                match parse_toml::<MetaText>(&rel, &text) {
                    Ok(m) => texts.meta = Some((rel, m)),
                    Err(d) => diags.push(d),
                }
            } else {
                match parse_toml::<TextFile>(&rel, &text) {
                    Ok(t) => {
                        texts.chapters.insert(stem, (rel, t));
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        loaded.texts.insert(lang.clone(), texts);
    }
    loaded
}

/// A value written `4.0` or `1.90` keeps its decimals in print ("4.0%",
/// "1.90:1"), since the source wrote them so.
fn keep_written_decimals(mut file: DataFile, text: &str) -> DataFile {
    for ind in &mut file.indicator {
        if ind.decimals.is_some() {
            continue;
        }
        let Some(v) = &ind.value else { continue };
        let literal = text.get(v.span()).unwrap_or_default().trim().replace('_', "");
        if let Some((_, frac)) = literal.split_once('.')
            && !frac.is_empty()
            && frac.chars().all(|c| c.is_ascii_digit())
        {
            ind.decimals = u8::try_from(frac.len()).ok();
        }
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_decimals_are_kept() {
        let text = "[[indicator]]\nid = \"a\"\nvalue = 4.0\nunit = \"percent\"\n[[indicator]]\nid = \"b\"\nvalue = 148.56e9\nunit = \"yuan\"\n";
        let f = keep_written_decimals(parse_toml::<DataFile>(Path::new("d.toml"), text).unwrap(), text);
        assert_eq!(f.indicator[0].decimals, Some(1));
        assert_eq!(f.indicator[1].decimals, None);
    }

    #[test]
    fn syntax_error_is_located() {
        let err =
            parse_toml::<DataFile>(Path::new("data/x.toml"), "[[indicator]]\nid = \"a\"\nvalue = \n").unwrap_err();
        assert_eq!(err.file.as_deref(), Some(Path::new("data/x.toml")));
        let span = err.span.expect("span");
        assert!(span.start >= 22, "{span:?}");
    }

    #[test]
    fn unknown_field_is_located() {
        let text = "[[indicator]]\nid = \"a\"\nvalue = 1\nunit = \"count\"\ncolour = \"red\"\n";
        let err = parse_toml::<DataFile>(Path::new("d.toml"), text).unwrap_err();
        assert!(err.message.contains("colour"), "{}", err.message);
        let span = err.span.expect("span");
        assert_eq!(&text[span.start..span.start + 6], "colour");
    }
}
