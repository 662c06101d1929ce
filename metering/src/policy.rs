//! What a module may import and export: a replaceable policy.
//!
//! [`ContractAbi`] is the production rule of `ABI.md`: functions from module
//! `env` with exactly the ABI's signatures, nothing else imported, `memory`
//! exported, every exported function of type `[] -> []`. [`Permissive`]
//! admits any import and any export type, for the WebAssembly spec suite and
//! for engines tests. Names starting with `__gasket` are reserved whatever
//! the policy: `prepare` checks them itself.

use wasmparser::{FuncType, GlobalType, MemoryType, TableType, ValType};

use crate::abi::HostFn;
use crate::error::PolicyViolation;

/// The type of an imported or exported item.
#[derive(Debug, Clone, Copy)]
pub enum ItemType<'a> {
    /// A function of this type.
    Func(&'a FuncType),
    /// A memory.
    Memory(MemoryType),
    /// A table.
    Table(TableType),
    /// A global.
    Global(GlobalType),
}

/// Decides which imports and exports a module may have.
pub trait Policy {
    /// Checks one import.
    fn check_import(
        &self,
        module: &str,
        name: &str,
        ty: ItemType<'_>,
    ) -> Result<(), PolicyViolation>;
    /// Checks one export.
    fn check_export(&self, name: &str, ty: ItemType<'_>) -> Result<(), PolicyViolation>;
    /// Checks the module as a whole, once all exports are known: `exports`
    /// lists each export's name and type.
    fn check_module(&self, exports: &[(&str, ItemType<'_>)]) -> Result<(), PolicyViolation>;
}

/// The `kind`s [`PolicyViolation::MissingExport`] may name (decoding a
/// cached error accepts only these).
pub(crate) const EXPORT_KINDS: [&str; 1] = ["linear memory"];

/// The contract ABI of `ABI.md`, version 1.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContractAbi;

/// The host module contracts import from.
pub const HOST_MODULE: &str = "env";

impl Policy for ContractAbi {
    fn check_import(
        &self,
        module: &str,
        name: &str,
        ty: ItemType<'_>,
    ) -> Result<(), PolicyViolation> {
        let host_fn = (module == HOST_MODULE)
            .then(|| HostFn::from_name(name))
            .flatten();
        let Some(host_fn) = host_fn else {
            return Err(PolicyViolation::UnknownImport {
                module: module.into(),
                name: name.into(),
            });
        };
        let matches = matches!(ty, ItemType::Func(f) if f.params() == host_fn.params() && f.results() == host_fn.results());
        if matches {
            Ok(())
        } else {
            Err(PolicyViolation::ImportSignature {
                module: module.into(),
                name: name.into(),
                expected: format!("func {}", host_fn.signature()),
                found: item_text(ty),
            })
        }
    }

    fn check_export(&self, name: &str, ty: ItemType<'_>) -> Result<(), PolicyViolation> {
        match ty {
            ItemType::Func(f) if !f.params().is_empty() || !f.results().is_empty() => {
                Err(PolicyViolation::ExportSignature {
                    name: name.into(),
                    expected: "[] -> []".into(),
                    found: signature_text(f.params(), f.results()),
                })
            }
            _ => Ok(()),
        }
    }

    fn check_module(&self, exports: &[(&str, ItemType<'_>)]) -> Result<(), PolicyViolation> {
        if exports
            .iter()
            .any(|(name, ty)| *name == "memory" && matches!(ty, ItemType::Memory(_)))
        {
            Ok(())
        } else {
            Err(PolicyViolation::MissingExport {
                name: "memory".into(),
                kind: EXPORT_KINDS[0],
            })
        }
    }
}

/// Admits every import and export (the spec suite's `spectest` module,
/// typed exports). For tests and tools, never for contracts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Permissive;

impl Policy for Permissive {
    fn check_import(&self, _: &str, _: &str, _: ItemType<'_>) -> Result<(), PolicyViolation> {
        Ok(())
    }
    fn check_export(&self, _: &str, _: ItemType<'_>) -> Result<(), PolicyViolation> {
        Ok(())
    }
    fn check_module(&self, _: &[(&str, ItemType<'_>)]) -> Result<(), PolicyViolation> {
        Ok(())
    }
}

/// `[i32 i32] -> [i64]`.
pub(crate) fn signature_text(params: &[ValType], results: &[ValType]) -> String {
    let list = |types: &[ValType]| {
        types
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!("[{}] -> [{}]", list(params), list(results))
}

fn item_text(ty: ItemType<'_>) -> String {
    match ty {
        ItemType::Func(f) => format!("func {}", signature_text(f.params(), f.results())),
        ItemType::Memory(_) => "memory".into(),
        ItemType::Table(_) => "table".into(),
        ItemType::Global(_) => "global".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abi_import_with_wrong_signature_names_both() {
        let ty = FuncType::new([ValType::I32], [ValType::I32]);
        let err = ContractAbi
            .check_import("env", "input_len", ItemType::Func(&ty))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "import env.input_len has type func [i32] -> [i32], the ABI says func [] -> [i32]"
        );
    }

    #[test]
    fn every_abi_function_is_admitted_with_its_own_signature() {
        for f in HostFn::ALL {
            let ty = FuncType::new(f.params().iter().copied(), f.results().iter().copied());
            ContractAbi
                .check_import("env", f.name(), ItemType::Func(&ty))
                .unwrap();
        }
    }
}
