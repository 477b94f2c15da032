//! What a build writes: the PDFs (standards, timestamp), the indicators'
//! CSV ([`indicators_csv`]), each written through a temporary file; and
//! `vlr diff`'s CSV ([`diff_csv`]).

pub mod diff_csv;
pub mod indicators_csv;

use crate::files::Root;
use std::io::Write;
use std::path::{Path, PathBuf};

use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::syntax::Span;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// Output profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Profile {
    /// PDF/A-2b + PDF/UA-1: for submission to the UN and archiving.
    #[default]
    Submission,
    /// For the print shop: PDF/A-2b + PDF/UA-1 with a 3 mm bleed and crop marks.
    Print,
    /// For screens: PDF/UA-1 (tagged, accessible), coloured links, smallest file.
    Screen,
}

impl Profile {
    /// The file-name suffix of the profile ("" for submission).
    pub fn suffix(self) -> &'static str {
        match self {
            Profile::Submission => "",
            Profile::Print => ".print",
            Profile::Screen => ".screen",
        }
    }

    /// The name templates see.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Submission => "submission",
            Profile::Print => "print",
            Profile::Screen => "screen",
        }
    }
}

/// The creation timestamp: `SOURCE_DATE_EPOCH` if set, else the publication date.
pub fn timestamp(published: (i32, u8, u8)) -> Option<Datetime> {
    if let Ok(Some(secs)) = source_date_epoch() {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        return Datetime::from_ymd_hms(y, m, d, (rem / 3600) as u8, (rem % 3600 / 60) as u8, (rem % 60) as u8);
    }
    Datetime::from_ymd_hms(published.0, published.1, published.2, 0, 0, 0)
}

/// `SOURCE_DATE_EPOCH`, if set: seconds since 1970-01-01 up to the end of 9999.
pub fn source_date_epoch() -> Result<Option<i64>, String> {
    let Some(raw) = std::env::var_os("SOURCE_DATE_EPOCH") else { return Ok(None) };
    let text = raw.to_string_lossy();
    match text.trim().parse::<i64>() {
        Ok(secs) if (0..=253_402_300_799).contains(&secs) => Ok(Some(secs)),
        _ => Err(format!(
            "SOURCE_DATE_EPOCH={:?} is not a time: it is a whole number of seconds since 1970-01-01 (e.g. 1625097600), up to the year 9999",
            text.chars().take(40).collect::<String>()
        )),
    }
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as i32;
    (y, m, d)
}

/// Exports the document to PDF bytes.
pub fn pdf(
    doc: &PagedDocument,
    profile: Profile,
    ident: &str,
    when: Option<Datetime>,
) -> Result<Vec<u8>, Vec<SourceDiagnostic>> {
    let list = standards(profile);
    let standards =
        PdfStandards::new(list).map_err(|e| vec![SourceDiagnostic::error(Span::detached(), e.message().clone())])?;
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("vlr {}", env!("CARGO_PKG_VERSION")))),
        timestamp: when.map(Timestamp::new_utc),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    let mut bytes = typst_pdf::pdf(doc, &options).map_err(|e| e.to_vec())?;
    unambiguous_stream_ends(&mut bytes);
    Ok(bytes)
}

/// The PDF standards a profile's files conform to.
///
/// Print keeps PDF/A-2b, so its colours stay (ICC-based) sRGB: typst-pdf 0.15
/// writes no CMYK output profile and refuses `cmyk(…)` colours under PDF/A
/// ("the PDF is missing a CMYK profile"); see `print-cmyk` in templates/lib.typ.
/// Screen drops PDF/A (no output intent, no PDF/A metadata) but stays tagged
/// and PDF/UA-1.
pub fn standards(profile: Profile) -> &'static [PdfStandard] {
    match profile {
        Profile::Submission | Profile::Print => &[PdfStandard::A_2b, PdfStandard::Ua_1],
        Profile::Screen => &[PdfStandard::Ua_1],
    }
}

/// Makes the end of every stream unambiguous for PDF/A validators.
///
/// typst's PDF writer ends each stream with `<data>\nendstream`. When the data
/// (compressed, so any byte) happens to end with a carriage return, the bytes
/// `CR LF endstream` read as one CR LF end-of-line marker: a validator then
/// counts one byte less than `/Length` and reports ISO 19005-2 clause 6.1.7.1
/// (`page` reports PDFA2B-STREAM-LENGTH-001; a flate stream ends in CR about once
/// in 256, so a content edit could make any edition fail). Writing that LF as a
/// CR (`CR CR endstream`) leaves a single-byte end-of-line marker after exactly
/// `/Length` bytes of data, and keeps the file's length and every xref offset.
///
/// Only streams found through the xref table, whose `/Length` is direct and
/// whose data is followed by `\nendstream` exactly, are touched; anything else
/// is left as it is.
fn unambiguous_stream_ends(pdf: &mut [u8]) {
    for offset in object_offsets(pdf) {
        if let Some(end) = stream_data_end(pdf, offset)
            && end > 0
            && pdf[end - 1] == b'\r'
        {
            pdf[end] = b'\r';
        }
    }
}

/// Offsets of the objects in use, from the classic xref table `startxref` points to.
fn object_offsets(pdf: &[u8]) -> Vec<usize> {
    let Some(at) = rfind(pdf, b"startxref") else { return Vec::new() };
    let mut tail = pdf[at + b"startxref".len()..].split(u8::is_ascii_whitespace).filter(|t| !t.is_empty());
    let Some(xref) = tail.next().and_then(parse_usize) else { return Vec::new() };
    let Some(table) = pdf.get(xref..).filter(|t| t.starts_with(b"xref")) else { return Vec::new() };
    let end = find(table, b"trailer").unwrap_or(table.len());
    let tokens: Vec<&[u8]> =
        table[b"xref".len()..end].split(u8::is_ascii_whitespace).filter(|t| !t.is_empty()).collect();
    let mut offsets = Vec::new();
    let mut i = 0;
    // Subsections: `first count`, then `count` entries of `offset generation n|f`.
    while i + 1 < tokens.len() {
        let Some(count) = parse_usize(tokens[i + 1]) else { return Vec::new() };
        i += 2;
        for _ in 0..count {
            let Some(entry) = tokens.get(i..i + 3) else { return Vec::new() };
            if entry[2] == b"n"
                && let Some(offset) = parse_usize(entry[0])
            {
                offsets.push(offset);
            }
            i += 3;
        }
    }
    offsets
}

/// For a stream object at `offset` written as `N G obj <</Length L…>>\nstream\n`,
/// the offset just past its `L` bytes of data, if `\nendstream` follows there.
fn stream_data_end(pdf: &[u8], offset: usize) -> Option<usize> {
    let head = pdf.get(offset..)?;
    let obj = find(&head[..head.len().min(32)], b" obj")? + b" obj".len();
    let dict = obj + head[obj..].iter().take_while(|b| b.is_ascii_whitespace()).count();
    let rest = head.get(dict..)?.strip_prefix(b"<</Length ")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let len = parse_usize(&rest[..digits])?;
    // A direct length ends the entry; `L 0 R` would be an indirect one.
    if !matches!(rest.get(digits), Some(b'/' | b'>')) {
        return None;
    }
    let start = dict + find(&head[dict..], b">>\nstream\n")? + b">>\nstream\n".len();
    let end = offset + start + len;
    pdf.get(end..)?.starts_with(b"\nendstream").then_some(end)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn parse_usize(t: &[u8]) -> Option<usize> {
    std::str::from_utf8(t).ok()?.parse().ok()
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target. The old file survives any failure.
/// For a path the user named (`-o`); files of the project are written with
/// [`write_in`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(path, bytes)?.commit()
}

/// Writes `bytes` to the project file `rel` atomically, beneath the
/// project's handle ([`Root`]): no symlink can send it out of the project.
pub fn write_in(root: &Root, rel: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage_in(root, rel, bytes)?.commit()
}

/// A folder vlr writes into, held open: files are created, compared and
/// renamed beneath this handle (`openat`, `renameat`), so a folder swapped
/// for a symlink once it is open cannot send a write elsewhere.
pub struct OutDir {
    dir: cap_std::fs::Dir,
    path: PathBuf,
}

/// Why an output folder cannot be used.
#[derive(Debug)]
pub enum OutDirError {
    /// The default output folder is a symlink (or leads out of the project).
    Symlink,
    /// It exists and is not a folder.
    NotAFolder,
    /// It cannot be created or opened.
    Io(std::io::Error),
}

impl OutDir {
    /// The folder at `path`, as the user named it (created if missing;
    /// symlinks on the way are the user's choice).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(path)?;
        let dir = cap_std::fs::Dir::open_ambient_dir(path, cap_std::ambient_authority())?;
        Ok(Self { dir, path: path.to_path_buf() })
    }

    /// The folder `rel` beneath the project (created if missing, inside the
    /// project; symlinks inside it followed, none out of it).
    pub fn beneath(root: &Root, rel: &Path) -> std::io::Result<Self> {
        let rel = crate::files::confined(rel).ok_or_else(|| std::io::Error::other("leaves the project"))?;
        let dir = if rel.as_os_str().is_empty() {
            root.dir().try_clone()?
        } else {
            root.dir().create_dir_all(&rel)?;
            root.dir().open_dir(&rel)?
        };
        Ok(Self { dir, path: root.path().join(rel) })
    }

    /// A real folder `rel` of the project (created if missing): the folder
    /// itself must not be a symlink (a committed `dist` symlink would send
    /// the output out of the project), checked as it is opened.
    pub fn real(root: &Root, rel: &Path) -> Result<Self, OutDirError> {
        use cap_fs_ext::DirExt as _;
        let rel = crate::files::confined(rel).ok_or(OutDirError::Symlink)?;
        let escape = |e: std::io::Error| {
            if crate::files::is_escape(&e) { OutDirError::Symlink } else { OutDirError::Io(e) }
        };
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            root.dir().create_dir_all(parent).map_err(escape)?;
        }
        match root.dir().create_dir(&rel) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(escape(e)),
        }
        match root.dir().open_dir_nofollow(&rel) {
            Ok(dir) => Ok(Self { dir, path: root.path().join(rel) }),
            Err(e) => match root.dir().symlink_metadata(&rel) {
                Ok(m) if m.file_type().is_symlink() => Err(OutDirError::Symlink),
                Ok(m) if !m.is_dir() => Err(OutDirError::NotAFolder),
                _ => Err(escape(e)),
            },
        }
    }

    /// The folder's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `bytes` to the file `name` of this folder atomically.
    pub fn write(&self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.stage(name, bytes)?.commit()
    }

    /// The bytes of `name`, a regular file (not a symlink) of at most `max`
    /// bytes in the folder; `None` if there is none.
    pub fn read(&self, name: &str, max: u64) -> Option<Vec<u8>> {
        use std::io::Read as _;
        let (dir, file) = self.parent_of(name).ok()?;
        let f = open_nofollow(&dir, &file, false).ok()?;
        if !f.metadata().is_ok_and(|m| m.is_file() && m.len() <= max) {
            return None;
        }
        let mut bytes = Vec::new();
        f.take(max).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }

    /// Writes `bytes` to `name` atomically, unless `name` is a regular file
    /// (not a symlink) that already holds exactly them: a rebuild that
    /// changed nothing rewrites (and syncs to disk) nothing. Returns whether
    /// it wrote.
    pub fn write_changed(&self, name: &str, bytes: &[u8]) -> std::io::Result<bool> {
        use std::io::Read as _;
        let (dir, file) = self.parent_of(name)?;
        if let Ok(f) = open_nofollow(&dir, &file, false) {
            let same_size = f.metadata().is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
            let mut old = Vec::new();
            if same_size && f.take(bytes.len() as u64).read_to_end(&mut old).is_ok() && old == bytes {
                // What a stopped build left behind goes all the same.
                remove_stale_temps(&dir, &file);
                return Ok(false);
            }
        }
        self.write(name, bytes).map(|()| true)
    }

    /// Writes `bytes` to a temporary file beside `name` (flushed to disk), to
    /// be renamed over it by [`Staged::commit`].
    pub fn stage(&self, name: &str, bytes: &[u8]) -> std::io::Result<Staged> {
        let (dir, file) = self.parent_of(name)?;
        remove_stale_temps(&dir, &file);
        let tmp = format!(".{file}.{}.tmp", std::process::id());
        let shown = self.path.join(name).with_file_name(&tmp);
        crate::guard::temp_started(&shown);
        let staged = Staged { dir, tmp, name: file, shown, done: false };
        let mut f = create_new(&staged.dir, &staged.tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        Ok(staged)
    }

    /// The folder holding `name` (beneath this one) and the file's own name.
    fn parent_of(&self, name: &str) -> std::io::Result<(cap_std::fs::Dir, String)> {
        let rel = crate::files::confined(Path::new(name)).ok_or_else(|| std::io::Error::other("leaves the folder"))?;
        let file = rel.file_name().and_then(|n| n.to_str()).ok_or_else(|| std::io::Error::other("no file name"))?;
        let dir = match rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) => {
                self.dir.create_dir_all(parent)?;
                self.dir.open_dir(parent)?
            }
            None => self.dir.try_clone()?,
        };
        Ok((dir, file.to_string()))
    }
}

/// Writes `bytes` to a temporary file beside `path` (flushed to disk), the
/// first half of [`write_atomic`].
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).ok_or_else(|| std::io::Error::other("no file name"))?;
    OutDir::open(dir)?.stage(name, bytes)
}

/// [`stage`] for the project file `rel`, beneath the project's handle.
pub fn stage_in(root: &Root, rel: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    let rel = crate::files::confined(rel).ok_or_else(|| std::io::Error::other("leaves the project"))?;
    let parent = rel.parent().unwrap_or(Path::new(""));
    let name = rel.file_name().and_then(|n| n.to_str()).ok_or_else(|| std::io::Error::other("no file name"))?;
    OutDir::beneath(root, parent)?.stage(name, bytes)
}

/// A file written to its temporary name, waiting to be renamed over its
/// target ([`Staged::commit`]); dropped uncommitted, it is removed. Several
/// files are written all or nothing by staging each before committing any.
pub struct Staged {
    /// The folder, held open.
    dir: cap_std::fs::Dir,
    tmp: String,
    name: String,
    /// The temporary file's path (for the guard that removes it on a signal).
    shown: PathBuf,
    done: bool,
}

impl Staged {
    /// Renames the temporary file over the target, within the held folder.
    pub fn commit(mut self) -> std::io::Result<()> {
        let r = self.dir.rename(&self.tmp, &self.dir, &self.name);
        self.done = r.is_ok();
        r
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.dir.remove_file(&self.tmp);
        }
        crate::guard::temp_done(&self.shown);
    }
}

/// Opens `name` in `dir` without following a symlink at it.
fn open_nofollow(dir: &cap_std::fs::Dir, name: &str, create: bool) -> std::io::Result<cap_std::fs::File> {
    use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt as _};
    let mut o = cap_std::fs::OpenOptions::new();
    if create {
        o.write(true).create_new(true);
    } else {
        o.read(true);
    }
    o.follow(FollowSymlinks::No);
    dir.open_with(name, &o)
}

/// Creates a new file that did not exist, never through a symlink
/// (`O_EXCL | O_NOFOLLOW`): something planted at a temporary file's name is
/// removed (a symlink itself, never what it points to) and the file created
/// anew, so the write cannot be sent elsewhere.
fn create_new(dir: &cap_std::fs::Dir, name: &str) -> std::io::Result<cap_std::fs::File> {
    match open_nofollow(dir, name, true) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            dir.remove_file(name)?;
            open_nofollow(dir, name, true)
        }
        r => r,
    }
}

/// Removes `.<name>.<pid>.tmp` files left in `dir` by a vlr process that no
/// longer runs (killed while writing, e.g. by SIGKILL).
pub fn remove_stale_temps(dir: &cap_std::fs::Dir, name: &str) {
    let Ok(entries) = dir.entries() else { return };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|f| f.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && pid != std::process::id() && !crate::guard::alive(pid) {
            let _ = dir.remove_file(&file);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_to_date() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_809), (2021, 7, 1));
    }

    /// A PDF with the given stream data, written the way typst's writer writes it.
    fn pdf_with_stream(data: &[u8]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let one = pdf.len();
        pdf.extend(b"1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
        let two = pdf.len();
        pdf.extend(format!("2 0 obj\n<</Length {}/Filter/FlateDecode>>\nstream\n", data.len()).as_bytes());
        pdf.extend(data);
        pdf.extend(b"\nendstream\nendobj\n");
        let xref = pdf.len();
        pdf.extend(format!("xref\n0 3\n0000000000 65535 f\r\n{one:010} 00000 n\r\n{two:010} 00000 n\r\n").as_bytes());
        pdf.extend(format!("trailer\n<</Size 3/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF").as_bytes());
        pdf
    }

    #[test]
    fn stream_ending_in_cr_gets_a_single_byte_eol() {
        let data = b"x\x9c\x03\x00endstream\n\r";
        let mut pdf = pdf_with_stream(data);
        let before = pdf.clone();
        unambiguous_stream_ends(&mut pdf);
        assert_eq!(pdf.len(), before.len(), "offsets must not move");
        let at = find(&before, b"\r\nendstream\nendobj").unwrap();
        assert_eq!(&pdf[at..at + 11], b"\r\rendstream");
        // Nothing else changed, not even the look-alike inside the data.
        let diff: Vec<usize> = (0..pdf.len()).filter(|&i| pdf[i] != before[i]).collect();
        assert_eq!(diff, vec![at + 1]);
    }

    #[test]
    fn other_streams_and_odd_files_are_left_alone() {
        for data in [&b"q Q"[..], b"q Q\n", b""] {
            let mut pdf = pdf_with_stream(data);
            let before = pdf.clone();
            unambiguous_stream_ends(&mut pdf);
            assert_eq!(pdf, before);
        }
        // A wrong /Length, an indirect one, or no xref: untouched.
        let good = pdf_with_stream(b"ab\r");
        let bad_len = String::from_utf8_lossy(&good).replace("/Length 3", "/Length 2").into_bytes();
        let indirect = String::from_utf8_lossy(&good).replace("/Length 3/", "/Length 3 0 R/").into_bytes();
        let no_xref = String::from_utf8_lossy(&good).replace("startxref", "startxreg").into_bytes();
        for before in [bad_len, indirect, no_xref] {
            let mut pdf = before.clone();
            unambiguous_stream_ends(&mut pdf);
            assert_eq!(pdf, before);
        }
    }

    #[test]
    fn stale_temps_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!(".a.pdf.{dead}.tmp"));
        let live = dir.path().join(format!(".a.pdf.{}.tmp", std::os::unix::process::parent_id()));
        let other = dir.path().join(format!(".b.pdf.{dead}.tmp"));
        for p in [&stale, &live, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        write_atomic(&dir.path().join("a.pdf"), b"one").unwrap();
        assert!(!stale.exists());
        assert!(live.exists(), "a running process's temporary file stays");
        assert!(other.exists(), "only this output's temporary files are looked at");
    }

    #[test]
    fn a_symlink_planted_at_the_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let tmp = dir.path().join(format!(".a.pdf.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &tmp).unwrap();
        write_atomic(&dir.path().join("a.pdf"), b"new").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(dir.path().join("a.pdf")).unwrap(), b"new");
        assert!(!tmp.exists() && std::fs::symlink_metadata(&tmp).is_err());
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
