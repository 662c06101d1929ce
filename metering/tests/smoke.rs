use gasket_metering::{Config, Permissive, prepare_with_policy};

#[test]
fn smoke() {
    let wasm = wat::parse_str(
        r#"(module
            (memory (export "memory") 1)
            (func $fib (export "fib") (param i64) (result i64)
              (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
                (then (local.get 0))
                (else (i64.add (call $fib (i64.sub (local.get 0) (i64.const 1)))
                               (call $fib (i64.sub (local.get 0) (i64.const 2)))))))
            (func (export "multi") (result i32 i64) (i32.const 1) (i64.const 2) (return))
            (func $s (drop (i32.const 1)))
            (start $s)
        )"#,
    )
    .unwrap();
    let prepared = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
    wasmparser::Validator::new_with_features(gasket_metering::FEATURES).validate_all(&prepared.wasm).unwrap();
    println!("{}", wasmprinter::print_bytes(&prepared.wasm).unwrap());
}
