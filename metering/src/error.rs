//! Typed, deterministic preparation errors.
//!
//! Every error names what went wrong and where: the kind, the function index
//! (in the module's function index space, imports first) when the problem is
//! inside a function body, and the byte offset in the original module. The
//! message carries no OS text, path or timing, so it may be part of consensus
//! data. The error is one boxed word so `Result<_, PrepareError>` stays small.
//!
//! The types derive borsh so that `gasket-vm`'s compiled-code cache can store
//! a rejection and give back the same typed error. Reordering or removing a
//! variant changes that encoding: bump `gasket_vm::cache::FORMAT_VERSION`.

use std::fmt;

use borsh::{BorshDeserialize, BorshSerialize};

/// A module could not be prepared.
#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct PrepareError(Box<ErrorInner>);

#[derive(Debug, Clone, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
struct ErrorInner {
    kind: ErrorKind,
    function: Option<u32>,
    offset: u64,
}

/// What went wrong. Its `Display` has no location: [`PrepareError`] adds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, BorshSerialize, BorshDeserialize)]
pub enum ErrorKind {
    /// The module uses something outside Gasket's deterministic subset.
    #[error("unsupported {} {what}", feature.name())]
    Unsupported {
        /// The WebAssembly feature (proposal) the construct belongs to.
        feature: Feature,
        /// The construct, as a noun phrase: `instruction f32.add`,
        /// `value type f64 in local 2`.
        what: String,
    },
    /// A limit of [`crate::Limits`] was exceeded.
    #[error("limit {} exceeded: {value} > {max}", limit.name())]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The value found in the module.
        value: u64,
        /// The configured maximum.
        max: u64,
    },
    /// The bytes are not a valid WebAssembly module (parse or validation
    /// error from wasmparser, inside the accepted feature set).
    #[error("invalid module: {message}")]
    Invalid {
        /// wasmparser's message, without its offset suffix.
        message: String,
    },
    /// The module is valid WebAssembly but breaks the import/export policy.
    #[error(transparent)]
    Policy(PolicyViolation),
    /// The configuration itself is unusable.
    #[error("invalid config: {message}")]
    InvalidConfig {
        /// What is wrong with it.
        message: String,
    },
    /// Preparing the module panicked: a bug in Gasket (or a dependency),
    /// caught so that the module is rejected instead of taking the node
    /// down. The same bytes and config always give it.
    #[error("internal error while preparing: {message}")]
    Internal {
        /// The panic's message.
        message: String,
    },
}

/// WebAssembly features (proposals) outside the accepted subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize)]
#[allow(missing_docs)]
pub enum Feature {
    Float,
    Simd,
    RelaxedSimd,
    Threads,
    SharedMemory,
    ReferenceTypes,
    TableOps,
    MultipleTables,
    MultiMemory,
    Memory64,
    CustomPageSizes,
    ExtendedConst,
    Exceptions,
    Gc,
    TailCall,
    FunctionReferences,
    StackSwitching,
    WideArithmetic,
    MemoryControl,
    CustomDescriptors,
    ComponentModel,
}

impl Feature {
    /// The conventional name of the feature.
    pub fn name(self) -> &'static str {
        match self {
            Feature::Float => "float",
            Feature::Simd => "simd",
            Feature::RelaxedSimd => "relaxed-simd",
            Feature::Threads => "threads",
            Feature::SharedMemory => "shared memory",
            Feature::ReferenceTypes => "reference types",
            Feature::TableOps => "table instructions",
            Feature::MultipleTables => "multiple tables",
            Feature::MultiMemory => "multi-memory",
            Feature::Memory64 => "memory64",
            Feature::CustomPageSizes => "custom page sizes",
            Feature::ExtendedConst => "extended-const",
            Feature::Exceptions => "exceptions",
            Feature::Gc => "gc",
            Feature::TailCall => "tail calls",
            Feature::FunctionReferences => "function references",
            Feature::StackSwitching => "stack switching",
            Feature::WideArithmetic => "wide arithmetic",
            Feature::MemoryControl => "memory control",
            Feature::CustomDescriptors => "custom descriptors",
            Feature::ComponentModel => "component model",
        }
    }
}

/// The limits of [`crate::Limits`], by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, BorshSerialize, BorshDeserialize)]
#[allow(missing_docs)]
pub enum Limit {
    ModuleBytes,
    Types,
    Functions,
    FunctionBodyBytes,
    Locals,
    Params,
    Results,
    Globals,
    Imports,
    Exports,
    TableElements,
    MemoryPages,
    DataSegments,
    ElementSegments,
    BrTableTargets,
    ControlDepth,
    CallsPerFunction,
}

impl Limit {
    /// The field name of the limit in [`crate::Limits`].
    pub fn name(self) -> &'static str {
        match self {
            Limit::ModuleBytes => "module_bytes",
            Limit::Types => "types",
            Limit::Functions => "functions",
            Limit::FunctionBodyBytes => "function_body_bytes",
            Limit::Locals => "locals",
            Limit::Params => "params",
            Limit::Results => "results",
            Limit::Globals => "globals",
            Limit::Imports => "imports",
            Limit::Exports => "exports",
            Limit::TableElements => "table_elements",
            Limit::MemoryPages => "memory_pages",
            Limit::DataSegments => "data_segments",
            Limit::ElementSegments => "element_segments",
            Limit::BrTableTargets => "br_table_targets",
            Limit::ControlDepth => "control_depth",
            Limit::CallsPerFunction => "calls_per_function",
        }
    }
}

/// A breach of the import/export policy ([`crate::Policy`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, BorshSerialize, BorshDeserialize)]
pub enum PolicyViolation {
    /// An import from a module other than the allowed ones, or of an unknown name.
    #[error("import {module}.{name} is not part of the host ABI")]
    UnknownImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import whose kind or signature is not the one the ABI lists.
    #[error("import {module}.{name} has type {found}, the ABI says {expected}")]
    ImportSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The expected signature or kind, in text format.
        expected: String,
        /// The signature or kind found.
        found: String,
    },
    /// An exported function whose type is not allowed.
    #[error("exported function {name} has type {found}, methods must be {expected}")]
    ExportSignature {
        /// Export name.
        name: String,
        /// The expected signature.
        expected: String,
        /// The signature found.
        found: String,
    },
    /// An export whose name starts with the reserved prefix `__gasket`.
    #[error("export {name} uses the reserved prefix __gasket")]
    ReservedExport {
        /// Export name.
        name: String,
    },
    /// An ABI import that this node's capability policy does not grant.
    #[error("import {module}.{name} is not permitted by this node's policy ({capabilities})")]
    NotPermitted {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// The name of the capability set in force.
        capabilities: String,
    },
    /// A required export is missing.
    #[error("the module must export its {kind} as {name}")]
    MissingExport {
        /// Export name.
        name: String,
        /// What it must be.
        #[borsh(deserialize_with = "read_export_kind")]
        kind: &'static str,
    },
}

/// What a required export must be, as a borsh-decoded name: only the
/// kinds this crate's policies name are known (a `&'static str` cannot be
/// made from arbitrary bytes without leaking them).
fn read_export_kind<R: borsh::io::Read>(reader: &mut R) -> borsh::io::Result<&'static str> {
    let kind = String::deserialize_reader(reader)?;
    crate::policy::EXPORT_KINDS
        .iter()
        .copied()
        .find(|&k| k == kind)
        .ok_or_else(|| {
            borsh::io::Error::new(borsh::io::ErrorKind::InvalidData, "unknown export kind")
        })
}

impl PrepareError {
    pub(crate) fn new(kind: ErrorKind, function: Option<u32>, offset: u64) -> Self {
        PrepareError(Box::new(ErrorInner {
            kind,
            function,
            offset,
        }))
    }

    pub(crate) fn unsupported(feature: Feature, what: impl Into<String>, offset: u64) -> Self {
        Self::new(
            ErrorKind::Unsupported {
                feature,
                what: what.into(),
            },
            None,
            offset,
        )
    }

    pub(crate) fn limit(limit: Limit, value: u64, max: u64, offset: u64) -> Self {
        Self::new(ErrorKind::LimitExceeded { limit, value, max }, None, offset)
    }

    pub(crate) fn policy(violation: PolicyViolation, offset: u64) -> Self {
        Self::new(ErrorKind::Policy(violation), None, offset)
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::InvalidConfig {
                message: message.into(),
            },
            None,
            0,
        )
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Internal {
                message: message.into(),
            },
            None,
            0,
        )
    }

    /// Attaches the function index if none is set yet.
    pub(crate) fn in_function(mut self, function: u32) -> Self {
        self.0.function.get_or_insert(function);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The function (module function index space, imports first), when the
    /// error is inside a function body.
    pub fn function(&self) -> Option<u32> {
        self.0.function
    }

    /// Byte offset in the original module.
    pub fn offset(&self) -> u64 {
        self.0.offset
    }
}

impl From<wasmparser::BinaryReaderError> for PrepareError {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        PrepareError::new(
            ErrorKind::Invalid {
                message: err.message().to_string(),
            },
            None,
            err.offset(),
        )
    }
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.kind)?;
        if matches!(self.0.kind, ErrorKind::InvalidConfig { .. }) {
            return Ok(());
        }
        if let Some(function) = self.0.function {
            write!(f, " in function {function}")?;
        }
        write!(f, " at offset {:#x}", self.0.offset)
    }
}

impl std::error::Error for PrepareError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_is_one_word() {
        assert_eq!(
            std::mem::size_of::<PrepareError>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn display_names_kind_function_and_offset() {
        let err =
            PrepareError::unsupported(Feature::Float, "instruction f32.add", 0x1a2).in_function(7);
        assert_eq!(
            err.to_string(),
            "unsupported float instruction f32.add in function 7 at offset 0x1a2"
        );
    }
}
