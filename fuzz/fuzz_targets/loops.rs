#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gasket_harness::loops::versioned_loops(data));
