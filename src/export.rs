//! PDF export: standards, timestamp, and writing through a temporary file.

use std::io::Write;
use std::path::Path;

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
    /// For the print shop.
    Print,
    /// For screens: smallest file.
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
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        return Datetime::from_ymd_hms(y, m, d, (rem / 3600) as u8, (rem % 3600 / 60) as u8, (rem % 60) as u8);
    }
    Datetime::from_ymd_hms(published.0, published.1, published.2, 0, 0, 0)
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
    let list: &[PdfStandard] = match profile {
        Profile::Submission | Profile::Print => &[PdfStandard::A_2b, PdfStandard::Ua_1],
        Profile::Screen => &[PdfStandard::Ua_1],
    };
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
    typst_pdf::pdf(doc, &options).map_err(|e| e.to_vec())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the target. The old file survives any failure.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_to_date() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_809), (2021, 7, 1));
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
