//! Reading the project's files: paths confined to the project, regular files
//! of a bounded size, and TOML whose problems are located diagnostics.
//!
//! Every reader shares these (the project file, data and text, the
//! languages' strings, typst's world), so none of them reaches into another
//! for them.

use std::path::{Component, Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::Diag;

/// Lexically confines a relative path to the project: `None` if it is
/// absolute or climbs out with `..`.
pub fn confined(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Why a project path cannot be used.
#[derive(Debug)]
pub enum Unusable {
    /// It is absolute, climbs out with `..`, or is a symlink that leaves the root.
    Leaves,
    /// It cannot be read (most often: it does not exist).
    Io(PathBuf, std::io::Error),
}

/// The real path of `rel` under `base`, refusing anything outside `root`
/// (`..`, absolute paths, symlinks that leave it).
pub fn real_path(root: &Path, base: &Path, rel: &Path) -> Result<PathBuf, Unusable> {
    let path = base.join(confined(rel).ok_or(Unusable::Leaves)?);
    let real = path.canonicalize().map_err(|e| Unusable::Io(path, e))?;
    if real.starts_with(root) { Ok(real) } else { Err(Unusable::Leaves) }
}

/// The largest data or text file vlr reads (a review's longest chapter is ~100 kB).
pub const MAX_FILE: u64 = 16 << 20;

/// Reads a project file as text: only regular files inside the project
/// (a symlink that leaves it, a FIFO or a device is refused), at most [`MAX_FILE`].
pub fn read_confined(root: &Path, rel: &Path) -> Result<String, String> {
    let real = match real_path(root, root, rel) {
        Ok(p) => p,
        Err(Unusable::Leaves) => {
            return Err(format!("{} leaves the project folder (a symlink or `..`): refused", rel.display()));
        }
        Err(Unusable::Io(_, e)) => return Err(format!("cannot read {}: {e}", rel.display())),
    };
    let meta = std::fs::metadata(&real).map_err(|e| format!("cannot read {}: {e}", rel.display()))?;
    if !meta.is_file() {
        return Err(format!("{} is not a regular file", rel.display()));
    }
    if meta.len() > MAX_FILE {
        return Err(format!("{} is larger than {} MB", rel.display(), MAX_FILE >> 20));
    }
    let bytes = std::fs::read(&real).map_err(|e| format!("cannot read {}: {e}", rel.display()))?;
    String::from_utf8(bytes)
        .map_err(|e| format!("{} is not UTF-8 text (byte {})", rel.display(), e.utf8_error().valid_up_to()))
}

/// Parses TOML text into `T`, turning syntax and schema errors into a located diagnostic.
pub fn parse_toml<T: DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Diag> {
    toml::from_str(text).map_err(|err| {
        let (message, hint) = unhinted(err.message().trim());
        let d = Diag::error(rel, err.span(), message);
        match hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    })
}

/// Between a schema error's message and its hint, inside serde's one error text.
const HINT: &str = "\n= hint: ";

/// A schema error with a hint (the words a field takes), as one serde error
/// text: [`parse_toml`] makes it a diagnostic with that hint.
pub fn hinted(message: impl std::fmt::Display, hint: impl std::fmt::Display) -> String {
    format!("{message}{HINT}{hint}")
}

/// A schema error's message and its hint, if [`hinted`] gave it one.
fn unhinted(text: &str) -> (&str, Option<&str>) {
    match text.split_once(HINT) {
        Some((message, hint)) => (message, Some(hint)),
        None => (text, None),
    }
}

/// A TOML basic string: `"…"` with escapes, on one line.
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confinement_is_lexical_and_strict() {
        assert_eq!(confined(Path::new("a/../b.typ")), Some(PathBuf::from("b.typ")));
        assert_eq!(confined(Path::new("../secret")), None);
        assert_eq!(confined(Path::new("a/../../x")), None);
        assert_eq!(confined(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn a_hint_survives_serde() {
        fn kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
            let s = <String as serde::Deserialize>::deserialize(d)?;
            if s == "ok" {
                Ok(s)
            } else {
                Err(serde::de::Error::custom(hinted(format!("unknown kind `{s}`"), "kinds: ok")))
            }
        }
        #[derive(Debug, serde::Deserialize)]
        struct File {
            #[serde(deserialize_with = "kind")]
            _kind: String,
        }
        let text = "\n_kind = \"nope\"\n";
        let d = parse_toml::<File>(Path::new("f.toml"), text).unwrap_err();
        assert_eq!(d.message, "unknown kind `nope`");
        assert_eq!(d.notes, ["hint: kinds: ok"], "{d:?}");
        assert_eq!(&text[d.span.clone().unwrap()], "\"nope\"");
    }
}
