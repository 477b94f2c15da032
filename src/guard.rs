//! Guards around compiling: a time limit, a memory limit, and temporary
//! files removed when vlr is interrupted or stopped.
//!
//! typst cannot be interrupted from outside, and an allocation failure in
//! Rust aborts the process. So both limits end the whole process, on
//! purpose and cleanly: the message names the edition and the template
//! running, temporary files are removed, the exit code is 1, and no PDF
//! (nor the previous one) is touched. In `vlr watch` this ends the watch.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// What is running (for the messages of the limits): one line per compile.
static RUNNING: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicUsize = AtomicUsize::new(1);
/// Temporary files being written (removed on a signal or a limit).
static TEMPS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The time limit set on the command line (seconds; 0: not set).
static TIME_LIMIT: AtomicU64 = AtomicU64::new(0);

/// Sets the time limit from the command line.
pub fn set_time_limit(secs: u64) {
    TIME_LIMIT.store(secs.max(1), Ordering::Relaxed);
}

/// The time limit for compiling one edition: the command line's, else
/// `time-limit` in vlr.toml, else [`crate::limits::DEFAULT_TIME_LIMIT`].
pub fn time_limit(project: Option<u64>) -> Duration {
    match TIME_LIMIT.load(Ordering::Relaxed) {
        0 => project.map_or(crate::limits::DEFAULT_TIME_LIMIT, Duration::from_secs),
        s => Duration::from_secs(s),
    }
}

/// Marks a compile as running until dropped; ends the process with a clear
/// message if it runs longer than `limit`.
pub struct Running {
    id: usize,
    _stop: std::sync::mpsc::Sender<()>,
}

impl Running {
    /// Starts the clock for `what` (e.g. "the en edition (templates/main.typ)").
    pub fn start(what: String, limit: Duration) -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut r) = RUNNING.lock() {
            r.push((id, what.clone()));
        }
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let spawned = std::thread::Builder::new().name("vlr-time-limit".into()).spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
                let secs = limit.as_secs_f64();
                let msg = format!(
                    "error: compiling {what} took longer than the time limit of {secs:.0} s: stopped\n  = hint: look for a loop in the template that never ends; raise the limit with --time-limit SECS or `time-limit` in vlr.toml\n"
                );
                stop(&msg, crate::report::ExitStatus::Problems.code());
            }
        });
        drop(spawned);
        Self { id, _stop: tx }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut r) = RUNNING.lock() {
            r.retain(|(id, _)| *id != self.id);
        }
    }
}

/// Registers a temporary file, removed if vlr is stopped while writing it.
pub fn temp_started(path: &Path) {
    if let Ok(mut t) = TEMPS.lock() {
        t.push(path.to_path_buf());
    }
}

/// The temporary file is gone (renamed or removed).
pub fn temp_done(path: &Path) {
    if let Ok(mut t) = TEMPS.lock() {
        t.retain(|p| p != path);
    }
}

fn remove_temps() {
    if let Ok(t) = TEMPS.try_lock() {
        for p in t.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Prints `msg`, removes temporary files and exits with `code`.
fn stop(msg: &str, code: u8) -> ! {
    remove_temps();
    let _ = std::io::stderr().write_all(msg.as_bytes());
    std::process::exit(i32::from(code))
}

/// Whether the process `pid` still runs.
pub fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    // SAFETY: kill with signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Removes temporary files on SIGINT, SIGTERM and SIGHUP, then exits with
/// 128 + the signal's number. Call once, first thing in `main`, before any
/// thread starts (the signals are blocked in every thread and waited for
/// in one).
pub fn install_signal_cleanup() {
    // SAFETY: plain libc calls on a signal set we own.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, s);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let set = SigSet(set);
        let _ = std::thread::Builder::new().name("vlr-signals".into()).spawn(move || {
            let set = set;
            let mut sig: libc::c_int = 0;
            if libc::sigwait(&set.0, &mut sig) == 0 {
                remove_temps();
                std::process::exit(128 + sig);
            }
        });
    }
}

struct SigSet(libc::sigset_t);
// SAFETY: a sigset_t is plain data.
unsafe impl Send for SigSet {}

/// What may be allocated, in bytes: in all, and in one request.
static LIMIT: AtomicU64 = AtomicU64::new(0);
static TOTAL: AtomicIsize = AtomicIsize::new(0);
static FAILING: AtomicBool = AtomicBool::new(false);
/// Allocations are counted per thread and added up in steps of this size.
const BATCH: isize = 1 << 20;
/// The largest single allocation: no review needs 2 GB in one piece, and a
/// request that large is a template gone wrong (`"x" * 100000000000`).
pub const MAX_ONE_ALLOCATION: usize = 2 << 30;

thread_local! {
    static LOCAL: Cell<isize> = const { Cell::new(0) };
}

/// The memory limit in bytes: what was set, else three quarters of the
/// machine's memory (at most 64 GB).
pub fn memory_limit() -> u64 {
    match LIMIT.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf has no preconditions.
            let (pages, size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
            let ram = u64::try_from(pages).unwrap_or(0).saturating_mul(u64::try_from(size).unwrap_or(0));
            let limit = if ram == 0 { 8 << 30 } else { (ram / 4 * 3).min(64 << 30) };
            LIMIT.store(limit, Ordering::Relaxed);
            limit
        }
        l => l,
    }
}

/// Sets the memory limit (MB).
pub fn set_memory_limit_mb(mb: u64) {
    LIMIT.store(mb.saturating_mul(1 << 20).max(64 << 20), Ordering::Relaxed);
}

/// Gives the memory freed since back to the system: mimalloc (vlr's
/// allocator) keeps freed pages a while for reuse, and across a build's
/// editions that came to 70 MB more resident memory than any one edition.
/// Called between editions, when typst's caches have been let go of.
pub fn give_back() {
    // Linked here, not only by the binary that makes mimalloc its allocator:
    // a test binary that reaches this (copyfitting, in process) has no other
    // use of the crate, and its linker would not find `mi_collect`.
    extern crate mimalloc as _;
    unsafe extern "C" {
        // mimalloc's (linked by the `mimalloc` crate): collects the calling
        // thread's heap and, forced, what other threads abandoned and the
        // arenas' free pages.
        fn mi_collect(force: bool);
    }
    // SAFETY: mi_collect takes no pointers and may be called at any time.
    unsafe { mi_collect(true) }
}

/// A global allocator that counts live bytes and ends the process with a
/// clear message, instead of aborting, when a request passes the limits.
pub struct Guarded<A>(pub A);

impl<A> Guarded<A> {
    #[inline]
    fn account(&self, delta: isize, request: usize) {
        if FAILING.load(Ordering::Relaxed) {
            return;
        }
        if request > MAX_ONE_ALLOCATION {
            self.refuse(request);
        }
        let flushed = LOCAL
            .try_with(|l| {
                let v = l.get() + delta;
                if v.abs() >= BATCH {
                    l.set(0);
                    Some(v)
                } else {
                    l.set(v);
                    None
                }
            })
            .unwrap_or(Some(delta));
        if let Some(v) = flushed {
            let total = TOTAL.fetch_add(v, Ordering::Relaxed) + v;
            if v > 0 && total as u64 > memory_limit() {
                self.refuse(request);
            }
        }
    }

    #[cold]
    fn refuse(&self, request: usize) {
        if FAILING.swap(true, Ordering::SeqCst) {
            return;
        }
        // From here on allocations pass unchecked, so the message can be made.
        let what = RUNNING
            .try_lock()
            .ok()
            .and_then(|r| r.first().map(|(_, w)| w.clone()))
            .unwrap_or_else(|| "the project".to_string());
        let gb = |b: f64| b / f64::from(1u32 << 30);
        let asked = if request > MAX_ONE_ALLOCATION {
            format!(
                "{:.2} GB asked at once, over the limit of {:.0} GB",
                gb(request as f64),
                gb(MAX_ONE_ALLOCATION as f64)
            )
        } else {
            format!("over {:.1} GB in all, the limit (--memory-limit MB)", gb(memory_limit() as f64))
        };
        let msg = format!(
            "error: compiling {what} needed more memory than vlr allows ({asked}): stopped\n  = hint: look for a template that builds a huge string or array (e.g. `\"x\" * 100000000000`, `range(400000000)`)\n",
        );
        stop(&msg, crate::report::ExitStatus::Problems.code());
    }
}

// SAFETY: every call is passed on to the wrapped allocator unchanged; the
// accounting never allocates until FAILING is set.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Guarded<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.account(layout.size() as isize, layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { self.0.alloc(layout) }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.account(layout.size() as isize, layout.size());
        // SAFETY: as above.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.account(-(layout.size() as isize), 0);
        // SAFETY: as above.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        self.account(new_size as isize - layout.size() as isize, new_size);
        // SAFETY: as above.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_is_alive_and_a_dead_one_is_not() {
        assert!(alive(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!alive(pid));
    }

    #[test]
    fn memory_limit_has_a_default() {
        assert!(memory_limit() >= 64 << 20);
    }
}
