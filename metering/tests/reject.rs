//! One rejection test per rejected feature, limit and policy rule: each
//! asserts the kind, the function index and the byte offset.
#![allow(missing_docs)]

use gasket_metering::{
    Config, ContractAbi, ErrorKind, Feature, Limit, Permissive, PolicyViolation, PrepareError,
    prepare, prepare_with_policy,
};

fn reject_with(wat: &str, config: &Config) -> (Vec<u8>, PrepareError) {
    let wasm = wat::parse_str(wat).unwrap();
    let err = prepare_with_policy(&wasm, config, &Permissive).expect_err("module must be rejected");
    (wasm, err)
}

/// Asserts an unsupported-feature error inside a function body, at an
/// operator whose first opcode byte(s) are `opcode`.
fn assert_op_rejected(wat: &str, feature: Feature, what: &str, function: u32, opcode: &[u8]) {
    let (wasm, err) = reject_with(wat, &Config::default());
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature,
            what: format!("instruction {what}")
        },
        "{err}"
    );
    assert_eq!(err.function(), Some(function), "{err}");
    let offset = err.offset() as usize;
    assert_eq!(&wasm[offset..offset + opcode.len()], opcode, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("in function {function} at offset {offset:#x}")),
        "{err}"
    );
}

/// Asserts an unsupported-feature error outside function bodies; `at`
/// locates the offending item's encoding in the module.
fn assert_item_rejected(wat: &str, feature: Feature, what: &str, at: &[u8]) {
    let (wasm, err) = reject_with(wat, &Config::default());
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature,
            what: what.into()
        },
        "{err}"
    );
    assert_eq!(err.function(), None);
    let offset = err.offset() as usize;
    assert_eq!(&wasm[offset..offset + at.len()], at, "{err} in {wasm:02x?}");
}

fn assert_limit(
    wat: &str,
    config: &Config,
    limit: Limit,
    value: u64,
    max: u64,
    function: Option<u32>,
) {
    let (wasm, err) = reject_with(wat, config);
    assert_eq!(
        err.kind(),
        &ErrorKind::LimitExceeded { limit, value, max },
        "{err}"
    );
    assert_eq!(err.function(), function, "{err}");
    assert!((err.offset() as usize) < wasm.len(), "{err}");
}

#[test]
fn float_instruction() {
    assert_op_rejected(
        "(module (func) (func (result i32) i32.const 1 f32.convert_i32_s i32.trunc_f32_s))",
        Feature::Float,
        "f32.convert_i32_s",
        1,
        &[0xb2],
    );
}

#[test]
fn float_instruction_counts_imported_functions_in_the_index() {
    assert_op_rejected(
        r#"(module (import "m" "f" (func)) (func (drop (f64.const 1))))"#,
        Feature::Float,
        "f64.const",
        1,
        &[0x44],
    );
}

#[test]
fn saturating_float_conversion() {
    assert_op_rejected(
        "(module (func (param i32) (result i32) local.get 0 i32.trunc_sat_f32_s))",
        Feature::Float,
        "i32.trunc_sat_f32_s",
        0,
        &[0xfc, 0x00],
    );
}

#[test]
fn float_param_type() {
    assert_item_rejected(
        "(module (type (func (param i32 f32))))",
        Feature::Float,
        "value type f32 in param 1 of type 0",
        &[0x60],
    );
}

#[test]
fn float_result_of_an_import() {
    assert_item_rejected(
        r#"(module (import "env" "f" (func (result f64))))"#,
        Feature::Float,
        "value type f64 in result 0 of type 0",
        &[0x60],
    );
}

#[test]
fn float_local() {
    let (wasm, err) = reject_with("(module (func (local i32 f64)))", &Config::default());
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::Float,
            what: "value type f64 in local 1".into()
        }
    );
    assert_eq!(err.function(), Some(0));
    assert_eq!(wasm[err.offset() as usize..][..2], [0x01, 0x7c], "{err}");
}

#[test]
fn float_local_used_by_an_instruction_names_the_instruction() {
    // What rustc emits for float code (contracts/adversarial/floaty): f64
    // locals and f64 instructions. The error names the first instruction.
    let (wasm, err) = reject_with(
        "(module (func (local i32 f64) (local.set 1 (f64.const 1.5)) (drop (f64.add (local.get 1) (local.get 1)))))",
        &Config::default(),
    );
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::Float,
            what: "instruction f64.const".into()
        }
    );
    assert_eq!(err.function(), Some(0));
    assert_eq!(wasm[err.offset() as usize], 0x44, "{err}");
}

#[test]
fn float_global() {
    assert_item_rejected(
        "(module (global f32 (f32.const 0)))",
        Feature::Float,
        "value type f32 in global 0",
        &[0x7d],
    );
}

#[test]
fn simd_instruction() {
    assert_op_rejected(
        "(module (func (result i32) v128.const i32x4 0 0 0 0 i32x4.extract_lane 0))",
        Feature::Simd,
        "v128.const",
        0,
        &[0xfd, 0x0c],
    );
}

#[test]
fn atomic_instruction() {
    assert_op_rejected(
        "(module (memory 1) (func (result i32) i32.const 0 i32.atomic.load))",
        Feature::Threads,
        "i32.atomic.load",
        0,
        &[0xfe, 0x10],
    );
}

#[test]
fn shared_memory() {
    assert_item_rejected(
        "(module (memory 1 1 shared))",
        Feature::SharedMemory,
        "shared memory 0",
        &[0x03, 0x01, 0x01],
    );
}

#[test]
fn reference_instruction() {
    assert_op_rejected(
        "(module (func (result i32) ref.null func ref.is_null))",
        Feature::ReferenceTypes,
        "ref.null",
        0,
        &[0xd0],
    );
}

#[test]
fn typed_select() {
    assert_op_rejected(
        "(module (func (result i32) i32.const 1 i32.const 2 i32.const 0 select (result i32)))",
        Feature::ReferenceTypes,
        "typed_select",
        0,
        &[0x1c],
    );
}

#[test]
fn table_instruction() {
    assert_op_rejected(
        "(module (table 1 funcref) (func (result i32) table.size 0))",
        Feature::TableOps,
        "table.size",
        0,
        &[0xfc, 0x10],
    );
}

#[test]
fn table_size() {
    // Bulk memory's table.init/copy and elem.drop are accepted; reference
    // types' table instructions are not.
    assert_op_rejected(
        "(module (table 1 funcref) (func table.size drop))",
        Feature::TableOps,
        "table.size",
        0,
        &[0xfc, 0x10],
    );
}

#[test]
fn externref_table() {
    assert_item_rejected(
        "(module (table 1 externref))",
        Feature::ReferenceTypes,
        "table 0 of externref",
        &[0x6f],
    );
}

#[test]
fn multiple_tables() {
    assert_item_rejected(
        "(module (table 1 funcref) (table 2 funcref))",
        Feature::MultipleTables,
        "table 1",
        &[0x70, 0x00, 0x02],
    );
}

#[test]
fn multiple_memories() {
    assert_item_rejected(
        "(module (memory 1) (memory 2))",
        Feature::MultiMemory,
        "memory 1",
        &[0x00, 0x02],
    );
}

#[test]
fn memory64() {
    assert_item_rejected(
        "(module (memory i64 1))",
        Feature::Memory64,
        "64-bit memory 0",
        &[0x04, 0x01],
    );
}

#[test]
fn exceptions_tag() {
    let (_, err) = reject_with("(module (tag))", &Config::default());
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::Exceptions,
            what: "tag section".into()
        }
    );
}

#[test]
fn tail_call() {
    assert_op_rejected(
        "(module (func return_call 0))",
        Feature::TailCall,
        "return_call",
        0,
        &[0x12],
    );
}

#[test]
fn gc_struct_type() {
    assert_item_rejected(
        "(module (type (struct)))",
        Feature::Gc,
        "struct or array type 0",
        &[0x5f],
    );
}

#[test]
fn extended_const() {
    let (wasm, err) = reject_with(
        "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
        &Config::default(),
    );
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::ExtendedConst,
            what: "instruction i32.add in initializer of global 0".into()
        }
    );
    assert_eq!(wasm[err.offset() as usize], 0x6a);
}

#[test]
fn invalid_module_keeps_wasmparsers_message_and_offset() {
    let (_, err) = reject_with(
        "(module (func (result i32) i64.const 0))",
        &Config::default(),
    );
    assert!(
        matches!(err.kind(), ErrorKind::Invalid { message } if message.contains("type mismatch")),
        "{err}"
    );
    assert_eq!(err.function(), Some(0));
}

#[test]
fn garbage_is_invalid_not_a_panic() {
    let err = prepare(b"\0asm\x01\0\0\0\x01\xff", &Config::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Invalid { .. }), "{err}");
}

fn limits(f: impl FnOnce(&mut gasket_metering::Limits)) -> Config {
    let mut config = Config::default();
    f(&mut config.limits);
    config
}

#[test]
fn limit_module_bytes() {
    assert_limit(
        "(module)",
        &limits(|l| l.module_bytes = 7),
        Limit::ModuleBytes,
        8,
        7,
        None,
    );
}

#[test]
fn limit_types() {
    assert_limit(
        "(module (type (func)) (type (func (param i32))))",
        &limits(|l| l.types = 1),
        Limit::Types,
        2,
        1,
        None,
    );
}

#[test]
fn limit_functions() {
    let wat = r#"(module (import "m" "f" (func)) (func) (func))"#;
    assert_limit(
        wat,
        &limits(|l| l.functions = 2),
        Limit::Functions,
        3,
        2,
        None,
    );
}

#[test]
fn limit_imported_functions() {
    let wat = r#"(module (import "m" "f" (func)) (import "m" "g" (func)))"#;
    assert_limit(
        wat,
        &limits(|l| l.functions = 1),
        Limit::Functions,
        2,
        1,
        None,
    );
}

#[test]
fn limit_function_body_bytes() {
    let wat = "(module (func) (func nop nop nop nop nop nop nop nop))";
    assert_limit(
        wat,
        &limits(|l| l.function_body_bytes = 4),
        Limit::FunctionBodyBytes,
        10,
        4,
        Some(1),
    );
}

#[test]
fn limit_locals() {
    let wat = "(module (func (local i32 i32) (local i64 i64 i64)))";
    assert_limit(wat, &limits(|l| l.locals = 4), Limit::Locals, 5, 4, Some(0));
}

#[test]
fn limit_params() {
    assert_limit(
        "(module (type (func (param i32 i32 i32))))",
        &limits(|l| l.params = 2),
        Limit::Params,
        3,
        2,
        None,
    );
}

#[test]
fn limit_results() {
    assert_limit(
        "(module (type (func (result i32 i64))))",
        &limits(|l| l.results = 1),
        Limit::Results,
        2,
        1,
        None,
    );
}

#[test]
fn limit_globals() {
    let wat = r#"(module (import "m" "g" (global i32)) (global i32 (i32.const 0)))"#;
    assert_limit(wat, &limits(|l| l.globals = 1), Limit::Globals, 2, 1, None);
}

#[test]
fn limit_imports() {
    let wat = r#"(module (import "m" "a" (func)) (import "m" "b" (func)) (import "m" "c" (func)))"#;
    assert_limit(wat, &limits(|l| l.imports = 2), Limit::Imports, 3, 2, None);
}

#[test]
fn limit_exports() {
    let wat = r#"(module (func (export "a")) (func (export "b")))"#;
    assert_limit(wat, &limits(|l| l.exports = 1), Limit::Exports, 2, 1, None);
}

#[test]
fn limit_table_elements() {
    assert_limit(
        "(module (table 11 funcref))",
        &limits(|l| l.table_elements = 10),
        Limit::TableElements,
        11,
        10,
        None,
    );
    assert_limit(
        "(module (table 1 20 funcref))",
        &limits(|l| l.table_elements = 10),
        Limit::TableElements,
        20,
        10,
        None,
    );
}

#[test]
fn limit_memory_pages() {
    assert_limit(
        "(module (memory 3))",
        &limits(|l| l.memory_pages = 2),
        Limit::MemoryPages,
        3,
        2,
        None,
    );
    assert_limit(
        "(module (memory 1 3))",
        &limits(|l| l.memory_pages = 2),
        Limit::MemoryPages,
        3,
        2,
        None,
    );
    assert_limit(
        r#"(module (import "m" "mem" (memory 3)))"#,
        &limits(|l| l.memory_pages = 2),
        Limit::MemoryPages,
        3,
        2,
        None,
    );
}

#[test]
fn limit_data_segments() {
    let wat = r#"(module (memory 1) (data (i32.const 0) "a") (data (i32.const 1) "b"))"#;
    assert_limit(
        wat,
        &limits(|l| l.data_segments = 1),
        Limit::DataSegments,
        2,
        1,
        None,
    );
}

#[test]
fn limit_element_segments() {
    let wat = "(module (table 2 funcref) (func) (elem (i32.const 0) 0) (elem (i32.const 1) 0))";
    assert_limit(
        wat,
        &limits(|l| l.element_segments = 1),
        Limit::ElementSegments,
        2,
        1,
        None,
    );
}

#[test]
fn limit_br_table_targets() {
    let wat =
        "(module (func (param i32) (block (block (block (br_table 0 1 2 2 (local.get 0)))))))";
    assert_limit(
        wat,
        &limits(|l| l.br_table_targets = 3),
        Limit::BrTableTargets,
        4,
        3,
        Some(0),
    );
}

#[test]
fn limit_control_depth() {
    let wat = "(module (func (block (loop (if (i32.const 1) (then (block nop)))))))";
    assert_limit(
        wat,
        &limits(|l| l.control_depth = 3),
        Limit::ControlDepth,
        4,
        3,
        Some(0),
    );
}

#[test]
fn limit_calls_per_function() {
    // Calls, an indirect call and calls into the runtime all count.
    let wat = r#"(module (memory 1) (table 1 funcref) (type $t (func))
        (func $f)
        (func (call $f) (call_indirect (type $t) (i32.const 0))
          (drop (memory.grow (i32.const 0)))
          (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))"#;
    assert_limit(
        wat,
        &limits(|l| l.calls_per_function = 3),
        Limit::CallsPerFunction,
        4,
        3,
        Some(1),
    );
    let wasm = wat::parse_str(wat).unwrap();
    gasket_metering::prepare_with_policy(
        &wasm,
        &limits(|l| l.calls_per_function = 4),
        &gasket_metering::Permissive,
    )
    .expect("at the limit");
}

fn abi_violation(wat: &str) -> PolicyViolation {
    let wasm = wat::parse_str(wat).unwrap();
    let err = prepare(&wasm, &Config::default()).expect_err("must break the ABI");
    assert_eq!(err.function(), None);
    match err.kind() {
        ErrorKind::Policy(v) => v.clone(),
        other => panic!("expected a policy violation, got {other:?}"),
    }
}

#[test]
fn abi_rejects_imports_from_other_modules() {
    let v = abi_violation(
        r#"(module (import "wasi" "input_len" (func (result i32))) (memory (export "memory") 1))"#,
    );
    assert_eq!(
        v,
        PolicyViolation::UnknownImport {
            module: "wasi".into(),
            name: "input_len".into()
        }
    );
}

#[test]
fn abi_rejects_unknown_host_functions() {
    let v = abi_violation(r#"(module (import "env" "abort" (func)) (memory (export "memory") 1))"#);
    assert_eq!(
        v,
        PolicyViolation::UnknownImport {
            module: "env".into(),
            name: "abort".into()
        }
    );
}

#[test]
fn abi_rejects_a_wrong_signature() {
    let v = abi_violation(
        r#"(module (import "env" "gas_left" (func (result i32))) (memory (export "memory") 1))"#,
    );
    assert_eq!(
        v,
        PolicyViolation::ImportSignature {
            module: "env".into(),
            name: "gas_left".into(),
            expected: "func [] -> [i64]".into(),
            found: "func [] -> [i32]".into(),
        }
    );
}

#[test]
fn abi_rejects_imported_memory() {
    let v = abi_violation(
        r#"(module (import "env" "memory" (memory 1)) (export "memory" (memory 0)))"#,
    );
    assert_eq!(
        v,
        PolicyViolation::UnknownImport {
            module: "env".into(),
            name: "memory".into()
        }
    );
}

#[test]
fn abi_requires_exported_memory() {
    let v = abi_violation("(module (memory 1) (func (export \"run\")))");
    assert_eq!(
        v,
        PolicyViolation::MissingExport {
            name: "memory".into(),
            kind: "linear memory"
        }
    );
}

#[test]
fn abi_methods_take_and_return_nothing() {
    let v = abi_violation(
        r#"(module (memory (export "memory") 1) (func (export "add") (param i32) (result i32) local.get 0))"#,
    );
    assert_eq!(
        v,
        PolicyViolation::ExportSignature {
            name: "add".into(),
            expected: "[] -> []".into(),
            found: "[i32] -> [i32]".into()
        }
    );
}

#[test]
fn reserved_export_prefix_under_every_policy() {
    let wasm = wat::parse_str(r#"(module (func (export "__gasket_gas")))"#).unwrap();
    let err = prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Policy(PolicyViolation::ReservedExport {
            name: "__gasket_gas".into()
        })
    );
    let err = prepare_with_policy(&wasm, &Config::default(), &ContractAbi).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::Policy(PolicyViolation::ReservedExport { .. })
    ));
}

#[test]
fn abi_admits_a_well_formed_contract() {
    let wasm = wat::parse_str(
        r#"(module
            (import "env" "input_len" (func (result i32)))
            (import "env" "storage_read" (func (param i32 i32 i32 i32) (result i64)))
            (memory (export "memory") 1)
            (global (export "__data_end") i32 (i32.const 0))
            (func (export "run") (drop (call 0))))"#,
    )
    .unwrap();
    prepare(&wasm, &Config::default()).unwrap();
}

#[test]
fn encodings_of_other_proposals_are_invalid_even_where_the_validator_would_not_look() {
    // Found by the `prepare` fuzzer: a compact-imports group (module "",
    // name "", then 0x7e). Parsing more than the subset let it through.
    let wasm = b"\0asm\x01\0\0\0\x02\x08\x01\x00\x00\x7e\x00\xdc\x15\x00";
    let err = prepare_with_policy(wasm, &Config::default(), &Permissive).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Invalid { message } if message.contains("compact imports")),
        "{err}"
    );
}

#[test]
fn float_block_type() {
    let (wasm, err) = reject_with(
        "(module (func (block (result f64) (unreachable))))",
        &Config::default(),
    );
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::Float,
            what: "value type f64 in block type of block".into()
        }
    );
    assert_eq!(err.function(), Some(0));
    assert_eq!(wasm[err.offset() as usize..][..2], [0x02, 0x7c], "{err}");
}

#[test]
fn element_expressions() {
    let (_, err) = reject_with(
        "(module (table 1 funcref) (func) (elem (i32.const 0) funcref (ref.func 0)))",
        &Config::default(),
    );
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::ReferenceTypes,
            what: "element segment 0 written with expressions".into()
        }
    );
}

#[test]
fn global_get_of_a_defined_global_in_a_constant_expression() {
    let (_, err) = reject_with(
        "(module (global i32 (i32.const 0)) (global i32 (global.get 0)))",
        &Config::default(),
    );
    assert_eq!(
        err.kind(),
        &ErrorKind::Unsupported {
            feature: Feature::Gc,
            what: "instruction global.get in initializer of global 1".into()
        }
    );
    // Imported globals stay allowed.
    let wasm =
        wat::parse_str(r#"(module (import "m" "g" (global i32)) (global i32 (global.get 0)))"#)
            .unwrap();
    prepare_with_policy(&wasm, &Config::default(), &Permissive).unwrap();
}

/// A policy with a bug: it panics on the first import it sees.
struct PanickingPolicy;

impl gasket_metering::Policy for PanickingPolicy {
    fn check_import(
        &self,
        _module: &str,
        name: &str,
        _ty: gasket_metering::ItemType<'_>,
    ) -> Result<(), gasket_metering::PolicyViolation> {
        panic!("policy bug at {name}");
    }
    fn check_export(
        &self,
        _name: &str,
        _ty: gasket_metering::ItemType<'_>,
    ) -> Result<(), gasket_metering::PolicyViolation> {
        Ok(())
    }
    fn check_module(
        &self,
        _exports: &[(&str, gasket_metering::ItemType<'_>)],
    ) -> Result<(), gasket_metering::PolicyViolation> {
        Ok(())
    }
}

/// A panic while preparing is a typed rejection, not an unwinding node.
#[test]
fn a_panic_while_preparing_is_an_internal_error() {
    let wasm = wat::parse_str(r#"(module (import "env" "f" (func)))"#).unwrap();
    let err = gasket_metering::prepare_with_policy(&wasm, &Config::default(), &PanickingPolicy)
        .unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Internal {
            message: "policy bug at f".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "internal error while preparing: policy bug at f at offset 0x0"
    );
}

/// Bodies split over threads (`parallel::with_split`) give the
/// error of the first failing body in the module, as one thread does: not
/// a later body's, not a later section's. Functions 2 and 7 (of 10) each
/// hold a float instruction, 7 more (it is the largest, so it is taken
/// first); a data segment over the limit may follow.
#[test]
fn split_bodies_report_the_first_error_in_the_module() {
    let body = |i: usize, floats: bool| {
        if floats && i == 2 {
            "(func (drop (f32.add (f32.const 1) (f32.const 2))))".to_string()
        } else if floats && i == 7 {
            "(func (drop (f32.add (f32.const 1) (f32.const 2))) (drop (f32.mul (f32.const 1) (f32.const 2))))".to_string()
        } else {
            format!("(func (drop (i32.add (i32.const {i}) (i32.const 1))))")
        }
    };
    let module = |floats: bool, data: bool| {
        let funcs: String = (0..10).map(|i| body(i, floats)).collect();
        let data = if data {
            "(data (i32.const 0) \"x\")"
        } else {
            ""
        };
        wat::parse_str(format!("(module (memory 1) {funcs} {data})")).unwrap()
    };
    let config = limits(|l| l.data_segments = 0);
    let prepare = |threads: usize, wasm: &[u8]| {
        let split = gasket_metering::parallel::Split {
            threads,
            min_bytes_per_thread: 0,
        };
        gasket_metering::parallel::with_split(split, || {
            prepare_with_policy(wasm, &config, &Permissive)
        })
    };
    // The later error alone is one.
    let err = prepare(1, &module(false, true)).expect_err("a data segment over the limit");
    assert_eq!(err.function(), None, "{err}");
    let first = prepare(1, &module(true, true)).expect_err("a float body");
    assert_eq!(first.function(), Some(2), "{first}");
    assert!(first.to_string().contains("float"), "{first}");
    for threads in [1, 2, 3, 8] {
        for data in [true, false] {
            let err = prepare(threads, &module(true, data));
            assert_eq!(err, Err(first.clone()), "{threads} threads, data {data}");
        }
        prepare(threads, &module(false, false)).expect("no floats, no data");
    }
}
