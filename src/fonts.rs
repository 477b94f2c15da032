//! Fonts from the project's `fonts/` folder (system fonts only when asked).
//!
//! A scan reads each file once, for the font book and the fingerprint, and
//! then lets it go: a face's bytes are read again when typst first asks for
//! it, and freed once nothing uses them. Editions made at once share the
//! bytes of a file while both use it; an edition that sets no Chinese never
//! holds the CJK faces (28 MB for the bundled book), and `--system-fonts`
//! reads only the system fonts a book uses. Files are read, not
//! memory-mapped, so a font file rewritten while `vlr watch` runs cannot
//! crash vlr (a mapped file that shrinks under it raises SIGBUS). A file
//! changed since the scan is not used: [`Fonts::changed`] names it, and the
//! build fails instead of setting the book in another font.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

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
    files: Vec<FontFile>,
    slots: Vec<Slot>,
    skipped: Vec<PathBuf>,
    fingerprint: u128,
    /// The folder project fonts are read from.
    root: Option<Root>,
    /// Whether each face, once loaded, is kept for the life of the scan
    /// (`vlr watch`, which rebuilds with the same faces), rather than by
    /// each world for its own life.
    keep: bool,
    /// Files found changed when read again.
    changed: Mutex<Vec<PathBuf>>,
}

/// A font file as scanned: where it is, what it was, and its bytes while
/// any face of it is in use.
struct FontFile {
    at: Place,
    stamp: Stamp,
    live: Mutex<Weak<Vec<u8>>>,
}

/// Where a font file is: beneath the scanned folder, or a system font.
enum Place {
    Project(PathBuf),
    System(PathBuf),
}

/// What identifies a file's contents without reading it: a file rewritten
/// or replaced since the scan has another size, modification time or
/// inode. (Only a file of the same size, written within the same tick of
/// the file system's clock, in place or under a reused inode, would pass.)
#[derive(PartialEq, Eq, Clone, Copy, Debug, Hash)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: (u64, u64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt as _;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let inode = (0, 0);
        Self { len: meta.len(), modified: meta.modified().ok(), inode }
    }
}

struct Slot {
    file: usize,
    index: u32,
    /// The face, when the scan keeps faces.
    kept: OnceLock<Option<Font>>,
}

/// The bytes of a font file, shared by every face that reads it.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
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
            files: Vec::new(),
            slots: Vec::new(),
            skipped: Vec::new(),
            fingerprint: 0,
            root: Some(root.clone()),
            keep: false,
            changed: Mutex::new(Vec::new()),
        };
        let mut files = Vec::new();
        collect(root, rel, &mut files, 0)?;
        files.sort();
        // Every face's bytes, for the fingerprint: held until the scan ends.
        let mut read = Vec::new();
        for path in files {
            match read_project(root, &path) {
                Ok((data, stamp)) => {
                    let data = Arc::new(data);
                    let faces = fonts.add(Place::Project(path), stamp, FontInfo::iter(&data));
                    read.extend((0..faces).map(|index| (data.clone(), index)));
                }
                Err(Unusable::Leaves) => fonts.skipped.push(path),
                // A FIFO, a device or a file too large is skipped.
                Err(Unusable::Io(..)) => {}
            }
        }
        let all: Vec<(&[u8], u32)> = read.iter().map(|(d, i)| (d.as_slice(), *i)).collect();
        fonts.fingerprint = typst::utils::hash128(&all);
        if system {
            // Known by their path and stamp: only the ones a book uses are read.
            let mut stamps = Vec::new();
            let mut seen = std::collections::HashMap::new();
            for (path, info) in typst_kit::fonts::system() {
                let Some(stamp) = system_stamp(&path.path) else { continue };
                stamps.push((path.path.clone(), path.index, stamp));
                // The faces of a collection share their file's bytes.
                let file = *seen.entry(path.path.clone()).or_insert_with(|| {
                    fonts.files.push(FontFile { at: Place::System(path.path), stamp, live: Mutex::new(Weak::new()) });
                    fonts.files.len() - 1
                });
                fonts.book.push(info);
                fonts.slots.push(Slot { file, index: path.index, kept: OnceLock::new() });
            }
            if !stamps.is_empty() {
                fonts.fingerprint = typst::utils::hash128(&(fonts.fingerprint, stamps));
            }
        }
        Ok(fonts)
    }

    /// Keeps each face once loaded, for the life of these fonts (`vlr
    /// watch`: every rebuild's world sets the same faces).
    pub fn keeping(mut self) -> Self {
        self.keep = true;
        self
    }

    /// Font files skipped because they lead out of the project (symlinks to a
    /// shared font folder): vlr reads nothing outside the project.
    pub fn skipped(&self) -> &[PathBuf] {
        &self.skipped
    }

    /// Font files found changed (or gone) when read again for a face after
    /// the scan (project fonts by their path in the project): a book laid
    /// out while one changed is not to be trusted.
    pub fn changed(&self) -> Vec<PathBuf> {
        self.changed.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Adds a file's faces to the book; returns how many.
    fn add(&mut self, at: Place, stamp: Stamp, infos: impl Iterator<Item = FontInfo>) -> u32 {
        self.files.push(FontFile { at, stamp, live: Mutex::new(Weak::new()) });
        let file = self.files.len() - 1;
        let mut faces = 0;
        for (index, info) in infos.enumerate() {
            self.book.push(info);
            self.slots.push(Slot { file, index: index as u32, kept: OnceLock::new() });
            faces += 1;
        }
        faces
    }

    /// A hash of every font's bytes (system fonts: of their paths and
    /// stamps): what copyfitting's memory of its choices checks the fonts by.
    pub fn fingerprint(&self) -> u128 {
        self.fingerprint
    }

    /// How many faces the book lists.
    pub fn faces(&self) -> usize {
        self.slots.len()
    }

    /// The font book for [`typst::World::book`].
    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The font at `index`: the kept face if these fonts keep faces (see
    /// [`Fonts::keeping`]), else loaded anew, for a world to keep for its
    /// own life (its bytes shared with any other face of the file in use).
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        if self.keep {
            return slot.kept.get_or_init(|| self.load(slot)).clone();
        }
        self.load(slot)
    }

    fn load(&self, slot: &Slot) -> Option<Font> {
        Font::new(self.bytes(slot.file)?, slot.index)
    }

    /// The bytes of file `i`: the ones in use if any face of it is, else
    /// read again, if the file is still the one scanned.
    fn bytes(&self, i: usize) -> Option<Bytes> {
        let file = self.files.get(i)?;
        let mut live = file.live.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(data) = live.upgrade() {
            return Some(Bytes::new(Shared(data)));
        }
        let read = match &file.at {
            Place::Project(path) => self.root.as_ref().and_then(|root| read_project(root, path).ok()),
            Place::System(path) => read_system(path),
        };
        let data = match read {
            Some((data, stamp)) if stamp == file.stamp => Arc::new(data),
            _ => {
                let (Place::Project(path) | Place::System(path)) = &file.at;
                let path = path.clone();
                self.changed.lock().unwrap_or_else(PoisonError::into_inner).push(path);
                return None;
            }
        };
        *live = Arc::downgrade(&data);
        Some(Bytes::new(Shared(data)))
    }

    /// The regular face of a family, as typst picks it for text set in the
    /// family (upright, weight 400, or the nearest the folder has), for the
    /// chart renderer: the bytes of its file, as typst reads them and shared
    /// while both use them, and the face's index in the file. (Typst draws
    /// the charts' labels in this face: they are measured in it too.)
    pub fn family_bytes(&self, family: &str) -> Option<(Bytes, u32)> {
        let at = self.book.select(&family.to_lowercase(), typst::text::FontVariant::default())?;
        let slot = self.slots.get(at)?;
        Some((self.bytes(slot.file)?, slot.index))
    }

    /// The faces of a family (named in any case), as what they are:
    /// empty if no font is of the family.
    pub fn variants(&self, family: &str) -> Vec<typst::text::FontVariant> {
        let book = &self.book;
        book.select_family(&family.to_lowercase()).filter_map(|i| book.info(i)).map(|info| info.variant).collect()
    }

    /// Whether any font covers the character.
    pub fn covers(&self, c: char) -> bool {
        let c = u32::from(c);
        (0..self.slots.len()).any(|i| self.book.info(i).is_some_and(|info| info.coverage.contains(c)))
    }
}

/// Reads a project font file with the stamp it was read under: at most
/// [`MAX_FONT_FILE`], a regular file beneath the root.
fn read_project(root: &Root, path: &Path) -> Result<(Vec<u8>, Stamp), Unusable> {
    use std::io::Read as _;
    let (file, meta) = root.open_file(path)?;
    let io = |e: std::io::Error| Unusable::Io(root.path().join(path), e);
    if meta.len() > MAX_FONT_FILE {
        return Err(io(std::io::Error::other("larger than the largest font file read")));
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FONT_FILE + 1).read_to_end(&mut data).map_err(io)?;
    // Read whole, as stamped: a file growing or shrinking meanwhile is not.
    if data.len() as u64 != meta.len() {
        return Err(io(std::io::Error::other("changed while read")));
    }
    Ok((data, Stamp::of(&meta)))
}

/// A system font file's stamp, if it is a regular file of at most
/// [`MAX_FONT_FILE`] (asked for with `--system-fonts`).
fn system_stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    (meta.is_file() && meta.len() <= MAX_FONT_FILE).then(|| Stamp::of(&meta))
}

/// Reads a system font file with its stamp.
fn read_system(path: &Path) -> Option<(Vec<u8>, Stamp)> {
    use std::io::Read as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    // A FIFO put in a font's place must not block the open; it is then
    // refused as not a regular file.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut opts, libc::O_NONBLOCK);
    let file = opts.open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() > MAX_FONT_FILE {
        return None;
    }
    let mut data = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FONT_FILE + 1).read_to_end(&mut data).ok()?;
    (data.len() as u64 == meta.len()).then(|| (data, Stamp::of(&meta)))
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

/// A face as a designer names it: "bold", "bold italic", "italic",
/// "light" (other weights by number).
pub fn face_name(v: typst::text::FontVariant) -> String {
    use typst::text::FontStyle;
    let weight = match v.weight.to_number() {
        300 => "light".to_string(),
        400 => String::new(),
        500 => "medium".to_string(),
        600 => "semibold".to_string(),
        700 => "bold".to_string(),
        800 => "extrabold".to_string(),
        900 => "black".to_string(),
        n => format!("weight {n}"),
    };
    let style = match v.style {
        FontStyle::Normal => "",
        FontStyle::Italic => "italic",
        FontStyle::Oblique => "oblique",
    };
    match (weight.is_empty(), style.is_empty()) {
        (true, true) => "regular".to_string(),
        (false, true) => weight,
        (true, false) => style.to_string(),
        (false, false) => format!("{weight} {style}"),
    }
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
        assert!(f.family_bytes("Noto Serif").is_none());
        assert!(f.covers('a') && !f.covers('\u{1F600}'));
        assert!(made, "mkfifo must work for this test");
    }

    /// The charts get a family's regular face, not the first file of it
    /// (NotoSans-Bold.ttf sorts before NotoSans-Regular.ttf).
    #[test]
    fn a_familys_chart_face_is_its_regular_one() {
        let dir = tempfile::tempdir().unwrap();
        let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts");
        for file in ["NotoSans-Bold.ttf", "NotoSans-Italic.ttf", "NotoSans-Regular.ttf"] {
            std::fs::copy(fonts.join(file), dir.path().join(file)).unwrap();
        }
        let f = Fonts::scan(dir.path(), false).unwrap();
        let (bytes, index) = f.family_bytes("noto sans").expect("the family is there");
        let regular = std::fs::read(fonts.join("NotoSans-Regular.ttf")).unwrap();
        assert!(bytes.as_slice() == regular.as_slice() && index == 0);
    }

    /// A face is read when first asked for; its bytes are shared while in
    /// use and freed after.
    #[test]
    fn faces_are_read_when_used_and_freed_after() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSans-Regular.ttf");
        std::fs::copy(&src, dir.path().join("a.ttf")).unwrap();
        let f = Fonts::scan(dir.path(), false).unwrap();
        let live = || f.files[0].live.lock().unwrap().upgrade().is_some();
        assert!(!live(), "the scan holds no bytes");
        let a = f.font(0).expect("loads");
        let b = f.font(0).expect("loads again");
        assert_eq!(a.data().as_slice().as_ptr(), b.data().as_slice().as_ptr(), "one copy of the bytes");
        drop((a, b));
        assert!(!live(), "freed once unused");
        assert!(f.changed().is_empty());
    }

    /// A file replaced after the scan is not read as the font scanned: the
    /// face is missing and the file named. A face kept before stays.
    #[test]
    fn a_font_file_replaced_after_the_scan_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fonts/NotoSans-Regular.ttf");
        let path = dir.path().join("a.ttf");
        std::fs::copy(&src, &path).unwrap();
        let f = Fonts::scan(dir.path(), false).unwrap();
        let kept = Fonts::scan(dir.path(), false).unwrap().keeping();
        assert!(kept.font(0).is_some());
        // Truncated in place, as an editor or a font tool may do.
        std::fs::write(&path, b"").unwrap();
        assert!(f.font(0).is_none());
        assert_eq!(f.changed(), vec![PathBuf::from("a.ttf")]);
        let font = kept.font(0).expect("the kept face stays usable");
        assert!(font.data().len() > 1000 && font.info().coverage.contains(u32::from('a')));
        // Written back the same size: another time stamp, still refused.
        std::fs::copy(&src, &path).unwrap();
        let again = Fonts::scan(dir.path(), false).unwrap();
        // Past the file system's clock tick (a few ms), which stamps times.
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::remove_file(&path).unwrap();
        std::fs::copy(&src, &path).unwrap();
        assert!(again.font(0).is_none(), "a file replaced by a copy is another file");
    }
}
