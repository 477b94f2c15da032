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

/// The project folder, opened once: every path in it is resolved beneath
/// this handle by the kernel (`openat2` with `RESOLVE_BENEATH` on Linux,
/// through `cap-std`), never by name. A symlink that leads out of the
/// project, an absolute symlink or `..` is refused at the moment of opening,
/// so another process that swaps a folder of the project for a symlink
/// between a check and the read cannot get an outside file read: there is
/// no check apart from the open.
#[derive(Clone)]
pub struct Root {
    path: PathBuf,
    dir: std::sync::Arc<cap_std::fs::Dir>,
}

impl std::fmt::Debug for Root {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Root").field(&self.path).finish()
    }
}

/// Whether an error is `cap-std`'s refusal of a path that leads outside.
pub fn is_escape(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::PermissionDenied && e.to_string().contains("outside")
}

impl Root {
    /// Opens the folder `path` (as named by the user: followed if a symlink).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let dir = cap_std::fs::Dir::open_ambient_dir(path, cap_std::ambient_authority())?;
        Ok(Self { path: path.to_path_buf(), dir: std::sync::Arc::new(dir) })
    }

    /// The folder's path, for messages and for typst's file ids.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The handle, for writing beneath it ([`crate::export::stage_in`]).
    pub fn dir(&self) -> &cap_std::fs::Dir {
        &self.dir
    }

    /// A folder beneath this one, as a root of its own (`packages/…`, `fonts`).
    pub fn sub(&self, rel: &Path) -> Result<Root, Unusable> {
        let rel = confined(rel).ok_or(Unusable::Leaves)?;
        match self.dir.open_dir(&rel) {
            Ok(dir) => Ok(Self { path: self.path.join(&rel), dir: std::sync::Arc::new(dir) }),
            Err(e) if is_escape(&e) => Err(Unusable::Leaves),
            Err(e) => Err(Unusable::Io(self.path.join(rel), e)),
        }
    }

    /// Opens a file beneath the root for reading: only a regular file (a
    /// FIFO or a device would block), checked on the open handle itself.
    pub fn open_file(&self, rel: &Path) -> Result<(std::fs::File, std::fs::Metadata), Unusable> {
        let rel = confined(rel).ok_or(Unusable::Leaves)?;
        let io = |e: std::io::Error| Unusable::Io(self.path.join(&rel), e);
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then
        // refused as not a regular file.
        let mut opts = cap_std::fs::OpenOptions::new();
        cap_std::fs::OpenOptionsExt::custom_flags(opts.read(true), libc::O_NONBLOCK);
        let file = match self.dir.open_with(&rel, &opts) {
            Ok(f) => f.into_std(),
            Err(e) if is_escape(&e) => return Err(Unusable::Leaves),
            Err(e) => return Err(io(e)),
        };
        let meta = file.metadata().map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a folder")));
        }
        if !meta.is_file() {
            return Err(io(std::io::Error::other("not a regular file: vlr reads only regular files")));
        }
        Ok((file, meta))
    }

    /// Reads a whole file beneath the root, of at most `max` bytes.
    pub fn read(&self, rel: &Path, max: u64) -> Result<Vec<u8>, Unusable> {
        use std::io::Read as _;
        let (file, meta) = self.open_file(rel)?;
        let io = |e: std::io::Error| Unusable::Io(self.path.join(rel), e);
        if meta.len() > max {
            return Err(io(std::io::Error::other(format!("larger than {} MB", max >> 20))));
        }
        // Never more than `max`, even if the file grows while being read.
        let mut data = Vec::with_capacity(meta.len() as usize);
        file.take(max + 1).read_to_end(&mut data).map_err(io)?;
        if data.len() as u64 > max {
            return Err(io(std::io::Error::other(format!("larger than {} MB", max >> 20))));
        }
        Ok(data)
    }

    /// Whether `rel` is a regular file beneath the root (symlinks inside it followed).
    pub fn is_file(&self, rel: &Path) -> bool {
        confined(rel).is_some_and(|r| self.dir.metadata(r).is_ok_and(|m| m.is_file()))
    }

    /// Whether `rel` is a folder beneath the root.
    pub fn is_dir(&self, rel: &Path) -> bool {
        confined(rel).is_some_and(|r| self.dir.metadata(r).is_ok_and(|m| m.is_dir()))
    }

    /// The entries of a folder beneath the root: each name, and whether it
    /// is itself a real folder (a symlink is not entered). Sorted by name.
    pub fn entries(&self, rel: &Path) -> std::io::Result<Vec<(std::ffi::OsString, bool)>> {
        let rel = confined(rel).ok_or_else(|| std::io::Error::other("leaves the project"))?;
        let dir = if rel.as_os_str().is_empty() { self.dir.try_clone()? } else { self.dir.open_dir(&rel)? };
        let mut out = Vec::new();
        for entry in dir.entries()? {
            let entry = entry?;
            out.push((entry.file_name(), entry.file_type()?.is_dir()));
        }
        out.sort();
        Ok(out)
    }
}

/// The largest data or text file vlr reads (a review's longest chapter is ~100 kB).
pub const MAX_FILE: u64 = 16 << 20;

/// Reads a project file as text: only regular files inside the project
/// (a symlink that leaves it, a FIFO or a device is refused), at most
/// [`MAX_FILE`]. The project folder is opened for the read and the file
/// resolved beneath it ([`Root`]).
pub fn read_confined(root: &Path, rel: &Path) -> Result<String, String> {
    let root = Root::open(root).map_err(|e| format!("cannot open the project folder {}: {e}", root.display()))?;
    read_text(&root, rel)
}

/// Reads a file beneath `root` as UTF-8 text of at most [`MAX_FILE`].
pub fn read_text(root: &Root, rel: &Path) -> Result<String, String> {
    let bytes = root.read(rel, MAX_FILE).map_err(|e| match e {
        Unusable::Leaves => format!("{} leaves the project folder (a symlink or `..`): refused", rel.display()),
        Unusable::Io(_, e) if e.kind() == std::io::ErrorKind::Other => format!("{} is {e}", rel.display()),
        Unusable::Io(_, e) => format!("cannot read {}: {e}", rel.display()),
    })?;
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
