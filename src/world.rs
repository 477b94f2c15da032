//! The typst `World`: templates from the project, data and charts as
//! virtual files, fonts from `fonts/`, a fixed date, and no access outside
//! the project root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt, World};

use crate::files::{Root, Unusable};
use crate::fonts::Fonts;

/// The compilation environment of one edition.
pub struct VlrWorld {
    root: PathBuf,
    /// The project folder, opened once: every file typst reads is opened beneath it.
    dir: Root,
    main: FileId,
    fonts: Arc<Fonts>,
    /// The faces this world has set, each loaded once for its life.
    faces: Vec<std::sync::OnceLock<Option<Font>>>,
    virtual_files: HashMap<FileId, Bytes>,
    sources: Mutex<HashMap<FileId, Source>>,
    files: Mutex<HashMap<FileId, Bytes>>,
    today: Datetime,
    /// Sources parsed by earlier worlds (`vlr watch`), if kept.
    parsed: Option<Arc<Parsed>>,
}

/// The templates' parsed sources, kept across worlds (`vlr watch`): a file
/// read again unchanged is not parsed again. A changed one is parsed afresh,
/// not reparsed around the change as typst's own watch does, so that watch
/// lays out exactly the syntax tree `vlr build` parses.
#[derive(Debug, Default)]
pub struct Parsed(Mutex<HashMap<FileId, Source>>);

impl Parsed {
    /// The source of `id` with `text`: the one kept if its text is the same.
    fn source(&self, id: FileId, text: &str) -> Source {
        let Ok(mut kept) = self.0.lock() else { return Source::new(id, text.to_string()) };
        match kept.get(&id) {
            Some(source) if source.text() == text => source.clone(),
            _ => {
                let source = Source::new(id, text.to_string());
                kept.insert(id, source.clone());
                source
            }
        }
    }
}

/// typst's standard library, built (and hashed) once for every world:
/// `vlr watch` makes a world per rebuild. `a11y-extras`: `pdf.header-cell`,
/// for the row headers of the templates' tables (a PDF TH with Scope Row).
static LIBRARY: std::sync::LazyLock<LazyHash<Library>> = std::sync::LazyLock::new(|| {
    LazyHash::new(Library::builder().with_features([Feature::A11yExtras].into_iter().collect()).build())
});

/// Makes a file id for a project path such as `/templates/main.typ`.
pub fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl VlrWorld {
    /// Creates a world for `main` (project-relative) with the given virtual files.
    pub fn new(
        root: &Path,
        main: &str,
        fonts: Arc<Fonts>,
        virtual_files: HashMap<String, Vec<u8>>,
        today: (i32, u8, u8),
    ) -> Result<Self, String> {
        let main_id = file_id(&format!("/{}", main.trim_start_matches('/')))
            .ok_or_else(|| format!("invalid template path `{main}`"))?;
        let virtual_files =
            virtual_files.into_iter().filter_map(|(p, data)| Some((file_id(&p)?, Bytes::new(data)))).collect();
        let today = Datetime::from_ymd(today.0, today.1, today.2).ok_or("invalid publication date")?;
        let dir = Root::open(root).map_err(|e| format!("cannot open the project folder {}: {e}", root.display()))?;
        Ok(Self {
            root: root.to_path_buf(),
            dir,
            main: main_id,
            faces: (0..fonts.faces()).map(|_| std::sync::OnceLock::new()).collect(),
            fonts,
            virtual_files,
            sources: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            today,
            parsed: None,
        })
    }

    /// Takes sources parsed by earlier worlds from `parsed`, and keeps this
    /// one's there.
    pub fn with_parsed(mut self, parsed: Option<Arc<Parsed>>) -> Self {
        self.parsed = parsed;
        self
    }

    /// The project's files typst read (path, bytes), none of a package; `None`
    /// if it read a package's.
    pub fn files_read(&self) -> Option<Vec<(String, Bytes)>> {
        let files = self.files.lock().ok()?;
        let mut out = Vec::new();
        for (id, bytes) in files.iter() {
            if !matches!(id.root(), VirtualRoot::Project) {
                return None;
            }
            out.push((id.vpath().get_with_slash().to_string(), bytes.clone()));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Some(out)
    }

    /// The bytes of a project file as typst reads it (`/templates/lib.typ`).
    pub fn project_file(&self, path: &str) -> Option<Bytes> {
        typst::World::file(self, file_id(path)?).ok()
    }

    /// The bytes of a virtual file (`/data/chapter-00.json`), if there is one.
    pub fn virtual_file(&self, path: &str) -> Option<&[u8]> {
        self.virtual_files.get(&file_id(path)?).map(|b| &b[..])
    }

    /// Puts `bytes` in place of a virtual file, for the next compilation
    /// (typst's caches see the change: what did not depend on it is reused).
    pub fn replace_virtual_file(&mut self, path: &str, bytes: Vec<u8>) {
        if let Some(id) = file_id(path) {
            self.virtual_files.insert(id, Bytes::new(bytes));
        }
    }

    /// Reads a project file beneath the project's handle, refusing anything
    /// outside the root (`..`, absolute paths, symlinks that leave it) and
    /// packages that are not vendored.
    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        let (base, rel) = match id.root() {
            VirtualRoot::Package(spec) => {
                let vendored = Path::new("packages")
                    .join(spec.namespace.as_str())
                    .join(spec.name.as_str())
                    .join(spec.version.to_string());
                if !self.dir.is_dir(&vendored) {
                    return Err(FileError::Other(Some(
                        format!(
                            "package {spec} is not available: vlr never downloads packages; vendor it under packages/{}/{}/{}",
                            spec.namespace, spec.name, spec.version
                        )
                        .into(),
                    )));
                }
                (self.dir.sub(&vendored).map_err(|e| self.file_error(e))?, id.vpath().get_without_slash())
            }
            VirtualRoot::Project => (self.dir.clone(), id.vpath().get_without_slash()),
        };
        base.read(Path::new(rel), crate::limits::MAX_TEMPLATE_FILE).map_err(|e| self.file_error(e))
    }

    fn file_error(&self, e: Unusable) -> FileError {
        match e {
            Unusable::Leaves => FileError::AccessDenied,
            Unusable::Io(path, e) => match e.kind() {
                std::io::ErrorKind::IsADirectory => FileError::IsDirectory,
                std::io::ErrorKind::Other => FileError::Other(Some(e.to_string().into())),
                _ => FileError::from_io(e, &path),
            },
        }
    }
}

impl World for VlrWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if let Some(s) = self.sources.lock().ok().and_then(|s| s.get(&id).cloned()) {
            return Ok(s);
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
        let source = match &self.parsed {
            Some(parsed) => parsed.source(id, text),
            None => Source::new(id, text.to_string()),
        };
        if let Ok(mut s) = self.sources.lock() {
            s.insert(id, source.clone());
        }
        Ok(source)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.virtual_files.get(&id) {
            return Ok(b.clone());
        }
        if let Some(b) = self.files.lock().ok().and_then(|f| f.get(&id).cloned()) {
            return Ok(b);
        }
        let data = self.read(id)?;
        crate::limits::check_image(&data).map_err(|e| FileError::Other(Some(e.into())))?;
        let bytes = Bytes::new(data);
        if let Ok(mut f) = self.files.lock() {
            f.insert(id, bytes.clone());
        }
        Ok(bytes)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.faces.get(index)?.get_or_init(|| self.fonts.font(index)).clone()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

impl VlrWorld {
    /// Turns typst's diagnostics into ours, so template errors print exactly
    /// like data errors (1-based columns, the line underlined, hints, and
    /// "while calling" trace lines).
    pub fn diagnostics(
        &self,
        list: &[typst::diag::SourceDiagnostic],
    ) -> (Vec<crate::diag::Diag>, crate::diag::Sources) {
        use typst::WorldExt;
        let mut sources = crate::diag::Sources::default();
        let mut out = Vec::new();
        let locate = |span: typst::syntax::DiagSpan, sources: &mut crate::diag::Sources| {
            let id = span.id()?;
            let range = self.range(span)?;
            let rel = PathBuf::from(match id.root() {
                VirtualRoot::Package(spec) => format!("{spec}/{}", id.vpath().get_without_slash()),
                VirtualRoot::Project => id.vpath().get_without_slash().to_string(),
            });
            if sources.get(&rel).is_none() {
                let text = self.source(id).map(|s| s.text().to_string()).ok()?;
                sources.insert(&rel, text);
            }
            Some((rel, range))
        };
        for d in list {
            let location = locate(d.span, &mut sources);
            let (severity, mut notes) = severity_and_hints(d);
            for point in &d.trace {
                if let Some((file, range)) = locate(point.span.into(), &mut sources)
                    && let Some((line, col)) = sources.line_col(&file, range.start)
                {
                    notes.push(format!("{} at {}:{line}:{col}", point.v, crate::diag::display_path(&self.root, &file)));
                }
            }
            let (file, span) = location.map_or((None, None), |(f, r)| (Some(f), Some(r)));
            out.push(crate::diag::Diag { severity, message: d.message.to_string(), file, span, notes });
        }
        (out, sources)
    }
}

/// A typst diagnostic's severity as ours, and its hints as note lines.
pub fn severity_and_hints(d: &typst::diag::SourceDiagnostic) -> (crate::diag::Severity, Vec<String>) {
    let severity = match d.severity {
        typst::diag::Severity::Error => crate::diag::Severity::Error,
        typst::diag::Severity::Warning => crate::diag::Severity::Warning,
    };
    (severity, d.hints.iter().map(|h| format!("hint: {}", h.v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(root: &Path) -> VlrWorld {
        let fonts = Arc::new(Fonts::scan(&root.join("fonts-none"), false).unwrap_or_else(|_| empty_fonts()));
        VlrWorld::new(
            root,
            "main.typ",
            fonts,
            HashMap::from([("/data.json".to_string(), b"{}".to_vec())]),
            (2021, 7, 1),
        )
        .unwrap()
    }

    fn empty_fonts() -> Fonts {
        let dir = tempfile::tempdir().unwrap();
        Fonts::scan(dir.path(), false).unwrap()
    }

    #[test]
    fn world_serves_project_and_virtual_files_only() {
        let outer = tempfile::tempdir().unwrap();
        std::fs::write(outer.path().join("secret.txt"), "s").unwrap();
        let root = outer.path().join("proj");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("main.typ"), "hi").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outer.path().join("secret.txt"), root.join("link.txt")).unwrap();
        let root = root.canonicalize().unwrap();
        let w = world(&root);
        assert!(w.file(file_id("/main.typ").unwrap()).is_ok());
        assert_eq!(&*w.file(file_id("/data.json").unwrap()).unwrap(), b"{}");
        assert!(w.file(file_id("/nope.typ").unwrap()).is_err());
        #[cfg(unix)]
        assert!(matches!(w.file(file_id("/link.txt").unwrap()), Err(FileError::AccessDenied)));
        assert!(VirtualPath::new("/../secret.txt").is_err() || w.file(file_id("/../secret.txt").unwrap()).is_err());
        assert_eq!(w.today(None), Datetime::from_ymd(2021, 7, 1));
    }
}
