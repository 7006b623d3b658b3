//! The process's own memory: handing freed heap back to the system.
//!
//! glibc keeps freed small allocations in its arenas, so a process that once held a large
//! grid keeps that much resident long after dropping it. Reader children live on between
//! files, and the benchmarks measure each step's own peak; both call [`release_free_heap`].

/// Returns the allocator's free memory to the system (glibc on Linux; nothing elsewhere).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds as free.
    unsafe {
        libc::malloc_trim(0);
    }
}
