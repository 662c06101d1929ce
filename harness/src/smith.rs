//! wasm-smith modules inside Gasket's accepted subset.

use arbitrary::Unstructured;
use wasm_smith::{Config, InstructionKind, InstructionKinds, Module};

/// wasm-smith settings that stay inside the subset: integer instructions,
/// one memory within the default page limit, one funcref table, multi-value, bulk
/// memory (with its table operations), sign extension.
pub fn subset_config() -> Config {
    Config {
        allow_floats: false,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        saturating_float_to_int_enabled: false,
        reference_types_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        custom_page_sizes_enabled: false,
        compact_imports_enabled: false,
        extended_const_enabled: false,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        sign_extension_ops_enabled: true,
        max_memories: 1,
        max_tables: 1,
        max_memory32_bytes: u64::from(gasket_metering::Config::default().limits.memory_pages)
            * 65_536,
        max_table_elements: 10_000,
        allowed_instructions: InstructionKinds::new(&[
            InstructionKind::NumericInt,
            InstructionKind::Parametric,
            InstructionKind::Variable,
            InstructionKind::MemoryInt,
            InstructionKind::Control,
            // Bulk memory's table.init, table.copy, elem.drop (the rest of
            // this kind needs reference types, which are off).
            InstructionKind::Reference,
        ]),
        ..Config::default()
    }
}

/// The bytes wasm-smith reads for `seed`: 16 KiB of xorshift output, so a
/// seed names the same module on every machine.
pub fn seed_bytes(seed: u64) -> Vec<u8> {
    let mut bytes = vec![0u8; 16 * 1024];
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for b in bytes.iter_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *b = state as u8;
    }
    bytes
}

/// A module generated under `config` from fuzzer-provided bytes.
pub fn module_from_bytes(config: Config, bytes: &[u8]) -> arbitrary::Result<Vec<u8>> {
    Ok(Module::new(config, &mut Unstructured::new(bytes))?.to_bytes())
}

/// The module of `seed` under `config`.
pub fn module_from_seed(config: Config, seed: u64) -> Vec<u8> {
    // 16 KiB always suffice: wasm-smith stops where the bytes end.
    module_from_bytes(config, &seed_bytes(seed)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every module of the differential settings defines a function (and
    /// exports it): wasm-smith ignores `min_funcs` without `min_types`.
    #[test]
    fn every_differential_module_has_a_function() {
        use wasmparser::{ExternalKind, Parser, Payload};
        for seed in 0..500 {
            let wasm = module_from_seed(crate::differential::smith_config(), seed);
            let exported = Parser::new(0).parse_all(&wasm).any(|payload| {
                let Ok(Payload::ExportSection(exports)) = payload else {
                    return false;
                };
                exports
                    .into_iter()
                    .any(|e| e.is_ok_and(|e| e.kind == ExternalKind::Func))
            });
            assert!(exported, "seed {seed}: no exported function");
        }
    }

    /// The settings really produce what the subset accepts beyond plain
    /// integer code: bulk memory's table operators and call_indirect.
    #[test]
    fn seeds_cover_table_operators() {
        use wasmparser::{Operator, Parser, Payload};
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..2000 {
            if seen.len() == 5 {
                break;
            }
            let wasm = module_from_seed(crate::differential::smith_config(), seed);
            for payload in Parser::new(0).parse_all(&wasm).flatten() {
                let Payload::CodeSectionEntry(body) = payload else {
                    continue;
                };
                let mut ops = body.get_operators_reader().expect("operators");
                while let Ok(op) = ops.read() {
                    let name = match op {
                        Operator::TableInit { .. } => "table.init",
                        Operator::TableCopy { .. } => "table.copy",
                        Operator::ElemDrop { .. } => "elem.drop",
                        Operator::CallIndirect { .. } => "call_indirect",
                        Operator::MemoryCopy { .. } => "memory.copy",
                        _ => continue,
                    };
                    seen.insert(name);
                }
            }
        }
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            [
                "call_indirect",
                "elem.drop",
                "memory.copy",
                "table.copy",
                "table.init"
            ]
        );
    }
}
