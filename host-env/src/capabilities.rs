//! Which host functions a node lets contracts import.
//!
//! A [`Capabilities`] is a `gasket_metering::Policy`: it admits exactly the
//! imports of `ABI.md` (through `ContractAbi`) and then only those it
//! grants, so a contract that imports anything else is rejected at deploy
//! with an error naming the import.

use std::collections::BTreeSet;

use gasket_metering::{
    Config, ContractAbi, HOST_MODULE, HostFn, ItemType, Policy, PolicyViolation, PrepareError,
    Prepared, prepare_with_policy,
};

/// A named set of host functions contracts may import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    name: String,
    granted: BTreeSet<HostFn>,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities::all()
    }
}

impl Capabilities {
    /// Every function of the ABI.
    pub fn all() -> Capabilities {
        Capabilities::only("all", HostFn::ALL.iter().copied())
    }

    /// Everything but cross-contract calls (`call`, `result_len`,
    /// `result_read`).
    pub fn without_calls() -> Capabilities {
        Capabilities::only(
            "no cross-contract calls",
            HostFn::ALL
                .iter()
                .copied()
                .filter(|f| !matches!(f, HostFn::Call | HostFn::ResultLen | HostFn::ResultRead)),
        )
    }

    /// What a contract that never changes state needs: no storage writes,
    /// no events, no calls.
    pub fn view_only() -> Capabilities {
        Capabilities::only(
            "view-only",
            HostFn::ALL.iter().copied().filter(|f| {
                !matches!(
                    f,
                    HostFn::StorageWrite
                        | HostFn::StorageRemove
                        | HostFn::EmitEvent
                        | HostFn::Call
                        | HostFn::ResultLen
                        | HostFn::ResultRead
                )
            }),
        )
    }

    /// Exactly `granted`, under `name` (shown in deploy errors).
    pub fn only(name: &str, granted: impl IntoIterator<Item = HostFn>) -> Capabilities {
        Capabilities {
            name: name.to_string(),
            granted: granted.into_iter().collect(),
        }
    }

    /// Whether `function` is granted.
    pub fn grants(&self, function: HostFn) -> bool {
        self.granted.contains(&function)
    }

    /// Prepares (validates and instruments) a contract under the ABI and
    /// these capabilities: what a node runs at deploy.
    pub fn prepare(&self, wasm: &[u8], config: &Config) -> Result<Prepared, PrepareError> {
        prepare_with_policy(wasm, config, self)
    }

    /// The policy id for `gasket_vm::Engine::compile_cached` with
    /// [`Capabilities::prepare`]: the name (it appears in deploy errors) and
    /// every granted function, so two sets that accept different modules or
    /// word their errors differently never share a cache entry.
    ///
    /// Each field is length-prefixed (u32 little-endian), and so is the
    /// list: a name may hold any text, and without the prefixes the name
    /// `"x\nemit_event"` with no grants read the same as `"x"` granting
    /// `emit_event`.
    pub fn cache_id(&self) -> Vec<u8> {
        fn field(id: &mut Vec<u8>, bytes: &[u8]) {
            // A name longer than 4 GiB cannot be built in practice; the
            // count saturates rather than wraps.
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            id.extend_from_slice(&len.to_le_bytes());
            id.extend_from_slice(bytes);
        }
        let mut id = b"gasket capabilities v2".to_vec();
        field(&mut id, self.name.as_bytes());
        let count = u32::try_from(self.granted.len()).unwrap_or(u32::MAX);
        id.extend_from_slice(&count.to_le_bytes());
        for function in &self.granted {
            field(&mut id, function.name().as_bytes());
        }
        id
    }
}

impl Policy for Capabilities {
    fn check_import(
        &self,
        module: &str,
        name: &str,
        ty: ItemType<'_>,
    ) -> Result<(), PolicyViolation> {
        ContractAbi.check_import(module, name, ty)?;
        match HostFn::from_name(name) {
            Some(function) if module == HOST_MODULE && self.grants(function) => Ok(()),
            _ => Err(PolicyViolation::NotPermitted {
                module: module.into(),
                name: name.into(),
                capabilities: self.name.clone(),
            }),
        }
    }

    fn check_export(&self, name: &str, ty: ItemType<'_>) -> Result<(), PolicyViolation> {
        ContractAbi.check_export(name, ty)
    }

    fn check_module(&self, exports: &[(&str, ItemType<'_>)]) -> Result<(), PolicyViolation> {
        ContractAbi.check_module(exports)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_ids_differ_when_the_policy_does() {
        let sets = [
            Capabilities::all(),
            Capabilities::without_calls(),
            Capabilities::view_only(),
            // Same grants as `all`, another name (errors name it).
            Capabilities::only("renamed", HostFn::ALL.iter().copied()),
            // Same name as `all`, fewer grants.
            Capabilities::only("all", HostFn::ALL[1..].iter().copied()),
            // A grant spelled into the name is not a grant.
            Capabilities::only("x\nemit_event", []),
            Capabilities::only("x", [HostFn::EmitEvent]),
            Capabilities::only("x\nemit_event\n", []),
        ];
        for (i, a) in sets.iter().enumerate() {
            assert_eq!(a.cache_id(), a.clone().cache_id());
            for b in &sets[i + 1..] {
                assert_ne!(a.cache_id(), b.cache_id(), "{a:?} / {b:?}");
            }
        }
    }
}
