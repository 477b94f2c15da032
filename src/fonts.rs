//! Fonts from the project's `fonts/` folder (system fonts only when asked).
//!
//! Files are read into memory once per scan: typst and the chart renderer
//! share the same bytes. They are read, not memory-mapped, so a font file
//! rewritten while `vlr watch` runs cannot crash vlr (a mapped file that
//! shrinks under it raises SIGBUS), and the bytes of an old scan are freed
//! once nothing uses them any more.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::foundations::Bytes;

use crate::files::{Root, Unusable};
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// The largest font file read (Noto CJK faces are about 25 MB).
pub const MAX_FONT_FILE: u64 = 64 << 20;

/// How deep `fonts/` is searched.
const MAX_DEPTH: usize = 8;

/// The fonts of a project, indexed for typst.
pub struct Fonts {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
    skipped: Vec<PathBuf>,
    fingerprint: OnceLock<u128>,
}

struct Slot {
    data: Bytes,
    index: u32,
    family: String,
    font: OnceLock<Option<Font>>,
}

impl Fonts {
    /// Scans `dir` (recursively) for .ttf/.otf/.ttc/.otc files; adds system fonts if asked.
    ///
    /// Only regular files are read (a FIFO or a device named `x.ttf` is
    /// skipped, so a scan never blocks), folders are not followed through
    /// symlinks (no loops), and files larger than [`MAX_FONT_FILE`] are skipped.
    /// A font file may be a symlink to a font elsewhere in the project; one
    /// that leads out of the project is skipped.
    pub fn scan(dir: &Path, system: bool) -> std::io::Result<Self> {
        Self::scan_in(&Root::open(dir)?, Path::new(""), system)
    }

    /// Scans the folder `rel` beneath `root`: each file is opened beneath the
    /// root's handle, so a font that is a symlink leading out of it is
    /// skipped (and listed in [`Fonts::skipped`]).
    pub fn scan_in(root: &Root, rel: &Path, system: bool) -> std::io::Result<Self> {
        let mut fonts = Self {
            book: LazyHash::new(FontBook::new()),
            slots: Vec::new(),
            skipped: Vec::new(),
            fingerprint: OnceLock::new(),
        };
        let mut files = Vec::new();
        collect(root, rel, &mut files, 0)?;
        files.sort();
        for path in files {
            match root.read(&path, MAX_FONT_FILE) {
                Ok(data) => fonts.add(Bytes::new(data)),
                Err(Unusable::Leaves) => fonts.skipped.push(path),
                // A FIFO, a device or a file too large is skipped.
                Err(Unusable::Io(..)) => {}
            }
        }
        if system {
            for (path, info) in typst_kit::fonts::system() {
                if let Some(data) = read(&path.path) {
                    fonts.push(data, path.index, info);
                }
            }
        }
        Ok(fonts)
    }

    /// Font files skipped because they lead out of the project (symlinks to a
    /// shared font folder): vlr reads nothing outside the project.
    pub fn skipped(&self) -> &[PathBuf] {
        &self.skipped
    }

    fn add(&mut self, data: Bytes) {
        let infos: Vec<FontInfo> = FontInfo::iter(&data).collect();
        for (index, info) in infos.into_iter().enumerate() {
            self.push(data.clone(), index as u32, info);
        }
    }

    fn push(&mut self, data: Bytes, index: u32, info: FontInfo) {
        let family = info.family.clone();
        self.book.push(info);
        self.slots.push(Slot { data, index, family, font: OnceLock::new() });
    }

    /// A hash of every font's bytes (computed once): what copyfitting's
    /// memory of its choices checks the fonts by.
    pub fn fingerprint(&self) -> u128 {
        *self.fingerprint.get_or_init(|| {
            let all: Vec<(&[u8], u32)> = self.slots.iter().map(|s| (s.data.as_slice(), s.index)).collect();
            typst::utils::hash128(&all)
        })
    }

    /// The font book for [`typst::World::book`].
    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The font at `index`, loaded on first use.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font.get_or_init(|| Font::new(slot.data.clone(), slot.index)).clone()
    }

    /// The bytes of the first face of a family (for the chart renderer):
    /// the file as typst reads it, shared, not copied.
    pub fn family_bytes(&self, family: &str) -> Option<&Bytes> {
        self.slots.iter().find(|s| s.family.eq_ignore_ascii_case(family) && s.index == 0).map(|s| &s.data)
    }

    /// Whether any font covers the character.
    pub fn covers(&self, c: char) -> bool {
        let c = u32::from(c);
        (0..self.slots.len()).any(|i| self.book.info(i).is_some_and(|info| info.coverage.contains(c)))
    }
}

/// Reads a system font file (asked for with `--system-fonts`): a regular
/// file of at most [`MAX_FONT_FILE`].
fn read(path: &Path) -> Option<Bytes> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_FONT_FILE {
        return None;
    }
    let data = std::fs::read(path).ok()?;
    Some(Bytes::new(data))
}

/// The font files beneath `rel`: real folders are entered (at most
/// [`MAX_DEPTH`] deep), symlinked ones are not (no loops).
fn collect(root: &Root, rel: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    for (name, is_dir) in root.entries(rel)? {
        let path = rel.join(&name);
        if is_dir {
            if depth < MAX_DEPTH {
                collect(root, &path, out, depth + 1)?;
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
        {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn scan_skips_fifos_and_loops() {
        let dir = tempfile::tempdir().unwrap();
        let fonts = dir.path().join("fonts");
        std::fs::create_dir(&fonts).unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSans-Regular.ttf");
        std::fs::copy(&src, fonts.join("a.ttf")).unwrap();
        let fifo = fonts.join("b.ttf");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
        std::os::unix::fs::symlink(&fonts, fonts.join("loop")).unwrap();
        let f = Fonts::scan(&fonts, false).unwrap();
        assert!(f.family_bytes("Noto Sans").is_some());
        assert!(f.covers('a') && !f.covers('\u{1F600}'));
        assert!(made, "mkfifo must work for this test");
    }

    #[test]
    fn rewritten_font_files_do_not_affect_a_scan() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSans-Regular.ttf");
        std::fs::copy(&src, dir.path().join("a.ttf")).unwrap();
        let f = Fonts::scan(dir.path(), false).unwrap();
        // Truncated in place, as an editor or a font tool may do.
        std::fs::write(dir.path().join("a.ttf"), b"").unwrap();
        let font = f.font(0).expect("the font stays usable");
        assert!(font.data().len() > 1000 && font.info().coverage.contains(u32::from('a')));
    }
}
