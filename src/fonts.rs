//! Fonts from the project's `fonts/` folder (system fonts only when asked).
//!
//! Files are read once and kept for the life of the process: typst and the
//! chart renderer share the same bytes, and watch mode never rescans.

use std::path::Path;
use std::sync::OnceLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;

/// The fonts of a project, indexed for typst.
pub struct Fonts {
    book: LazyHash<FontBook>,
    slots: Vec<Slot>,
}

struct Slot {
    data: &'static [u8],
    index: u32,
    family: String,
    font: OnceLock<Option<Font>>,
}

impl Fonts {
    /// Scans `dir` (recursively) for .ttf/.otf/.ttc/.otc files; adds system fonts if asked.
    pub fn scan(dir: &Path, system: bool) -> std::io::Result<Self> {
        let mut fonts = Self { book: LazyHash::new(FontBook::new()), slots: Vec::new() };
        let mut files = Vec::new();
        collect(dir, &mut files)?;
        files.sort();
        for path in files {
            fonts.add(map(&path)?);
        }
        if system {
            for (path, info) in typst_kit::fonts::system() {
                if let Ok(data) = map(&path.path) {
                    fonts.push(data, path.index, info);
                }
            }
        }
        Ok(fonts)
    }

    fn add(&mut self, data: &'static [u8]) {
        for (index, info) in FontInfo::iter(data).enumerate() {
            self.push(data, index as u32, info);
        }
    }

    fn push(&mut self, data: &'static [u8], index: u32, info: FontInfo) {
        let family = info.family.clone();
        self.book.push(info);
        self.slots.push(Slot { data, index, family, font: OnceLock::new() });
    }

    /// The font book for [`typst::World::book`].
    pub fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    /// The font at `index`, loaded on first use.
    pub fn font(&self, index: usize) -> Option<Font> {
        let slot = self.slots.get(index)?;
        slot.font.get_or_init(|| Font::new(Bytes::new(slot.data), slot.index)).clone()
    }

    /// The bytes of the first face of a family (for the chart renderer).
    pub fn family_bytes(&self, family: &str) -> Option<&'static [u8]> {
        self.slots.iter().find(|s| s.family.eq_ignore_ascii_case(family) && s.index == 0).map(|s| s.data)
    }
}

/// Maps a font file into memory for the life of the process: only the
/// tables typst and the charts touch are ever read from disk, so an English
/// build does not pay for the 30 MB of Chinese faces.
fn map(path: &Path) -> std::io::Result<&'static [u8]> {
    let file = std::fs::File::open(path)?;
    // SAFETY: font files are not modified while vlr runs (watch mode maps a
    // changed font folder anew); the same approach as typst's own CLI.
    let mmap = unsafe { memmap2::Mmap::map(&file)? };
    Ok(&Box::leak(Box::new(mmap))[..])
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
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
