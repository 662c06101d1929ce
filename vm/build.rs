//! Builds the setjmp/longjmp entry shim (`csrc/unwind.c`).

fn main() {
    println!("cargo:rerun-if-changed=csrc/unwind.c");
    cc::Build::new()
        .file("csrc/unwind.c")
        .warnings(true)
        .compile("gasket_unwind");
}
