//! A child of `fork` zeroes the memories it releases by its own pages:
//! an open `/proc/self/pagemap` reads the address space of the process
//! that opened it, so a child reading its parent's file would skip pages
//! only it wrote (`vm/src/runtime/memory.rs`). Its own binary without the
//! test harness, so that the process has one thread when it forks.
// fork, waitpid and _exit have no safe wrapper in std.
#![allow(unsafe_code)]

#[cfg(target_os = "linux")]
mod common;

#[cfg(target_os = "linux")]
fn main() {
    use gasket_vm::{Imports, Instance};

    let module = common::compile(&common::prepare(r#"(module (memory (export "memory") 4))"#));
    // The parent releases a memory (opening pagemap) and touches no page.
    drop(Instance::new(&module, Imports::new(), common::GAS_LIMIT).expect("instantiate"));

    // SAFETY: this process has one thread (no test harness; the compile
    // ran on this thread), so the child may run any code.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let clean = std::panic::catch_unwind(|| {
            (0..3).all(|round| {
                let mut instance =
                    Instance::new(&module, Imports::new(), common::GAS_LIMIT).expect("instantiate");
                let memory = instance.memory_mut();
                let clean = memory.iter().all(|&b| b == 0);
                for page in (1..memory.len() / 4096).step_by(3) {
                    memory[page * 4096 + round] = 0xEE;
                }
                clean
            })
        });
        let code = if matches!(clean, Ok(true)) { 0 } else { 1 };
        // SAFETY: ends the child without running the parent's exit code.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for the child forked above; `status` is a valid slot.
    let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(waited, pid, "waitpid failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "the child saw bytes of a memory it had released (status {status:#x})"
    );
    println!("fork: a child's released memories are zero");
}

#[cfg(not(target_os = "linux"))]
fn main() {}
