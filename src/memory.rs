//! The process's own memory: handing freed heap back to the system, and measuring one
//! step's peak.
//!
//! glibc keeps freed small allocations in its arenas, so a process that once held a large
//! grid keeps that much resident long after dropping it. Reader children live on between
//! files, and the benchmarks measure each step's own peak; both call [`release_free_heap`].
//!
//! A step's peak ([`Step`]) is the kernel's high-water mark (VmHWM in `/proc/self/status`)
//! after resetting it through `/proc/self/clear_refs`, so what the process did before the
//! step (generating a benchmark's input, reading it once as the anchor) does not count.

/// Returns the allocator's free memory to the system (glibc on Linux; nothing elsewhere).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds as free.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Makes every thread allocate from the main arena (glibc on Linux; nothing elsewhere).
/// glibc gives a thread that allocates while another holds the main arena an arena of its
/// own, reserving 64 MB of address space for it (up to twice that while aligning it): in a
/// process whose address space is bounded (`RLIMIT_AS`, the reader child), that is memory
/// its reads can no longer use. Meant for a process with few, mostly idle, threads.
pub fn one_arena_for_all_threads() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's tuning; M_ARENA_MAX takes a count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Peak resident memory of one step: the absolute peak and its rise over the resident size
/// when the step began.
#[derive(Debug, Clone, Copy)]
pub struct StepPeak {
    pub peak_mb: f64,
    pub rise_mb: f64,
    /// Resident size when the step began (its input, already in memory).
    pub start_mb: f64,
}

/// The resident size when a step began, after resetting the kernel's peak counter.
pub struct Step {
    start_mb: Option<f64>,
}

impl Step {
    /// Starts measuring (Linux; elsewhere [`Step::peak`] gives `None`).
    pub fn begin() -> Step {
        // Give freed heap pages back first: otherwise a step that reuses memory freed by the
        // one before (building its input) shows no rise at all, whatever it allocates.
        release_free_heap();
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        Step {
            start_mb: if reset { status_mb("VmRSS") } else { None },
        }
    }

    /// The peak since [`Step::begin`].
    pub fn peak(&self) -> Option<StepPeak> {
        let start = self.start_mb?;
        let peak = status_mb("VmHWM")?;
        Some(StepPeak {
            peak_mb: peak,
            rise_mb: (peak - start).max(0.0),
            start_mb: start,
        })
    }
}

/// The resident size and its peak so far, in MB (Linux; `0.0` elsewhere): for the debug
/// log of a long step's stages.
pub fn resident_mb() -> (f64, f64) {
    (
        status_mb("VmRSS").unwrap_or(0.0),
        status_mb("VmHWM").unwrap_or(0.0),
    )
}

fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}
