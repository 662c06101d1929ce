#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| gasket_harness::differential::module_bytes(data));
