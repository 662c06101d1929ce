//! Per-function work on several threads, with the result of one thread.
//!
//! [`map_in_order`] runs a job for every item on up to a given number of
//! threads and returns the results in item order, or the error of the
//! lowest-numbered failing item: exactly what running the items one by
//! one, in order, and stopping at the first error returns. The threads
//! change when the work is done, never what it gives, so outputs and
//! errors are alike on every machine whatever its core count. `prepare`
//! validates, measures and rewrites bodies with it when asked to
//! ([`with_split`]), and the VM compiles functions with it.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The threads a machine offers now (`std::thread::available_parallelism`,
/// which follows the cgroup's quota on Linux), at least 1.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How [`prepare`](crate::prepare) splits its work on bodies (validating,
/// measuring, rewriting) over threads, set for a call by [`with_split`].
/// Without one it starts no thread: an embedder asks for them, as the
/// VM's cache does with its engine's `compile_threads`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Most threads, the calling one included (1: none started).
    pub threads: usize,
    /// Fewest bytes of bodies per thread: a small module gets fewer
    /// threads, or none, as a thread costs tens of microseconds to start.
    pub min_bytes_per_thread: u64,
}

impl Split {
    /// No thread started: the default.
    pub const NONE: Split = Split {
        threads: 1,
        min_bytes_per_thread: 0,
    };

    /// Up to `threads` threads, each with at least 32 KiB of bodies (the
    /// 250 KB example contract then prepares on 2 cores in about 65% of
    /// the time it takes on one; benches/README.md).
    pub fn up_to(threads: usize) -> Split {
        Split {
            threads,
            min_bytes_per_thread: 32 * 1024,
        }
    }

    /// How many threads work on bodies of `bytes` in all.
    pub(crate) fn threads_for(self, bytes: u64) -> usize {
        let by_size = bytes
            .checked_div(self.min_bytes_per_thread)
            .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
        self.threads.min(by_size).max(1)
    }
}

std::thread_local! {
    /// Set by [`with_split`].
    static SPLIT: std::cell::Cell<Split> = const { std::cell::Cell::new(Split::NONE) };
}

/// Runs `f` with the calls of [`prepare`](crate::prepare) it makes on
/// this thread splitting their work on bodies as `split` says. The output
/// and the error are the same with any split.
pub fn with_split<T>(split: Split, f: impl FnOnce() -> T) -> T {
    // Restored even if `f` panics, as `prepare` catches its panics.
    struct Restore(Split);
    impl Drop for Restore {
        fn drop(&mut self) {
            SPLIT.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(SPLIT.with(|cell| cell.replace(split)));
    f()
}

/// How many threads [`prepare`](crate::prepare), on this thread, splits
/// bodies of `bytes` in all over.
pub(crate) fn body_threads(bytes: u64) -> usize {
    SPLIT.with(std::cell::Cell::get).threads_for(bytes)
}

/// Runs `job(state, i)` for every `i < count` and returns the results in
/// order of `i`, or the error of the lowest `i` that fails; if that item
/// panicked instead, its panic resumes on the calling thread. That is what
/// running the items in order on the calling thread gives.
///
/// With `threads > 1`, the calling thread and up to `threads - 1` helpers
/// (started with `builder()`) take items heaviest `weight` first (ties in
/// order of `i`), each with its own `new_state()` (a new one after a
/// panic); items after a failed one are skipped. A helper the OS refuses
/// is one helper fewer, never an error.
pub fn map_in_order<S, R, E>(
    count: usize,
    threads: usize,
    weight: impl Fn(usize) -> u64,
    builder: impl Fn() -> std::thread::Builder,
    new_state: impl Fn() -> S + Sync,
    job: impl Fn(&mut S, usize) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E>
where
    R: Send,
    E: Send,
{
    if threads <= 1 || count <= 1 {
        let mut state = new_state();
        return (0..count).map(|i| job(&mut state, i)).collect();
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weight(i)));
    let next = AtomicUsize::new(0);
    // The lowest failed item so far (an error or a panic): items numbered
    // after it need not run.
    let first_failure = AtomicUsize::new(usize::MAX);
    let worker = || {
        let mut state = new_state();
        let mut done = Vec::new();
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            if i > first_failure.load(Ordering::Relaxed) {
                continue;
            }
            // A panic is this item's failure, ordered as an error is: one
            // thread would have met it only after every item before it.
            let result = catch_unwind(AssertUnwindSafe(|| job(&mut state, i)));
            match &result {
                Ok(Ok(_)) => {}
                Ok(Err(_)) => {
                    first_failure.fetch_min(i, Ordering::Relaxed);
                }
                Err(_) => {
                    first_failure.fetch_min(i, Ordering::Relaxed);
                    // It may have left its state half-updated.
                    state = new_state();
                }
            }
            done.push((i, result));
        }
        done
    };
    let mut results: Vec<Option<std::thread::Result<Result<R, E>>>> =
        (0..count).map(|_| None).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads.min(count))
            .map_while(|_| builder().spawn_scoped(scope, worker).ok())
            .collect();
        let mut all = worker();
        for helper in helpers {
            // Jobs' panics are caught: only the worker's own code is left.
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => resume_unwind(panic),
            }
        }
        for (i, result) in all {
            results[i] = Some(result);
        }
    });
    // An item is skipped only when numbered after a failed one, and the
    // lowest failure only falls: every item before it has its result. (An
    // item without one is run here rather than trusted to that reasoning.)
    let mut fallback = None;
    let mut in_order = Vec::with_capacity(count);
    for (i, result) in results.into_iter().enumerate() {
        match result {
            Some(Ok(Ok(value))) => in_order.push(value),
            Some(Ok(Err(error))) => return Err(error),
            Some(Err(panic)) => resume_unwind(panic),
            None => in_order.push(job(fallback.get_or_insert_with(&new_state), i)?),
        }
    }
    Ok(in_order)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items fail at 5 and 9; every thread count and weighting gives the
    /// error of 5, and the results in order without failures.
    #[test]
    fn the_result_is_that_of_one_thread_in_order() {
        let job = |_: &mut (), i: usize| if i == 5 || i == 9 { Err(i) } else { Ok(i * 10) };
        let weights: [fn(usize) -> u64; 3] = [|_| 0, |i| i as u64, |i| (i % 3) as u64];
        for threads in [1, 2, 3, 8] {
            for weight in weights {
                let map = |count| {
                    map_in_order(
                        count,
                        threads,
                        weight,
                        std::thread::Builder::new,
                        || (),
                        job,
                    )
                };
                assert_eq!(map(40), Err(5), "{threads} threads");
                assert_eq!(map(5), Ok(vec![0, 10, 20, 30, 40]), "{threads} threads");
                assert_eq!(map(0), Ok(vec![]), "{threads} threads");
            }
        }
    }

    #[test]
    fn a_split_gives_each_thread_its_bytes() {
        let split = Split::up_to(4);
        assert_eq!(split.threads_for(0), 1);
        assert_eq!(split.threads_for(64 * 1024), 2);
        assert_eq!(split.threads_for(1 << 30), 4);
        assert_eq!(Split::NONE.threads_for(1 << 30), 1);
        let forced = Split {
            threads: 3,
            min_bytes_per_thread: 0,
        };
        assert_eq!(forced.threads_for(10), 3);
    }

    /// A panic is a failure in its place: an error before it wins, and
    /// it wins over an error after it, whichever thread met which first
    /// (weights put the later items first).
    #[test]
    fn a_panic_is_ordered_as_an_error_is() {
        let job = |_: &mut (), i: usize| match i {
            5 => Err(i),
            9 => panic!("item 9"),
            _ => Ok(i),
        };
        for threads in [1, 2, 3, 8] {
            let map = |count| {
                map_in_order(
                    count,
                    threads,
                    |i| i as u64,
                    std::thread::Builder::new,
                    || (),
                    job,
                )
            };
            assert_eq!(map(40), Err(5), "{threads} threads");
            let panicked = catch_unwind(|| {
                let job = |_: &mut (), i: usize| {
                    if i == 3 {
                        panic!("item 3")
                    } else {
                        job(&mut (), i)
                    }
                };
                map_in_order(
                    40,
                    threads,
                    |i| i as u64,
                    std::thread::Builder::new,
                    || (),
                    job,
                )
            });
            let message = panicked
                .map(|_| ())
                .map_err(|p| crate::panic_message(&*p).to_string());
            assert_eq!(message, Err("item 3".to_string()), "{threads} threads");
        }
    }

    /// Helpers the OS refuses leave the work to the calling thread.
    #[test]
    fn refused_helpers_leave_the_work_to_the_caller() {
        let refused = || std::thread::Builder::new().stack_size(1 << 60);
        let results = map_in_order(64, 4, |i| i as u64, refused, || (), |_, i| Ok::<_, ()>(i));
        assert_eq!(results, Ok((0..64).collect::<Vec<_>>()));
    }
}
