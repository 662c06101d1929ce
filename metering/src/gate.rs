//! The subset gate for everything outside function bodies.
//!
//! Operators are gated by [`crate::schedule::op_class`]; this module gates
//! types, tables, memories, globals and constant expressions, naming the
//! feature and the item. It runs on each section before wasmparser's
//! validator sees it, so an out-of-subset construct is reported as such and
//! not as a generic validation error.

use wasmparser::{
    CompositeInnerType, ConstExpr, GlobalType, MemoryType, Operator, RecGroup, RefType, TableType,
    ValType,
};

use crate::error::{Feature, PrepareError};
use crate::schedule::op_name;

/// Rejects a value type outside i32/i64. `place` says where it appears
/// (`"param of type 3"`, `"local 2"`).
pub(crate) fn val_type(
    ty: ValType,
    place: impl FnOnce() -> String,
    offset: u64,
) -> Result<(), PrepareError> {
    let feature = match ty {
        ValType::I32 | ValType::I64 => return Ok(()),
        ValType::F32 | ValType::F64 => Feature::Float,
        ValType::V128 => Feature::Simd,
        ValType::Ref(_) => Feature::ReferenceTypes,
    };
    Err(PrepareError::unsupported(
        feature,
        format!("value type {ty} in {}", place()),
        offset,
    ))
}

/// Function types only, no GC rec groups or subtyping, integer signatures.
pub(crate) fn rec_group(
    group: &RecGroup,
    type_index: u32,
    offset: u64,
) -> Result<(), PrepareError> {
    if group.is_explicit_rec_group() {
        return Err(PrepareError::unsupported(
            Feature::Gc,
            format!("rec group at type {type_index}"),
            offset,
        ));
    }
    for sub in group.types() {
        if !sub.is_final || !sub.supertype_idxs.is_empty() {
            return Err(PrepareError::unsupported(
                Feature::Gc,
                format!("subtype at type {type_index}"),
                offset,
            ));
        }
        if sub.composite_type.shared {
            return Err(PrepareError::unsupported(
                Feature::Threads,
                format!("shared type {type_index}"),
                offset,
            ));
        }
        let func = match &sub.composite_type.inner {
            CompositeInnerType::Func(func) => func,
            CompositeInnerType::Cont(_) => {
                return Err(PrepareError::unsupported(
                    Feature::StackSwitching,
                    format!("continuation type {type_index}"),
                    offset,
                ));
            }
            _ => {
                return Err(PrepareError::unsupported(
                    Feature::Gc,
                    format!("struct or array type {type_index}"),
                    offset,
                ));
            }
        };
        for (i, &ty) in func.params().iter().enumerate() {
            val_type(ty, || format!("param {i} of type {type_index}"), offset)?;
        }
        for (i, &ty) in func.results().iter().enumerate() {
            val_type(ty, || format!("result {i} of type {type_index}"), offset)?;
        }
    }
    Ok(())
}

/// One funcref table, 32-bit.
pub(crate) fn table(ty: &TableType, index: u32, offset: u64) -> Result<(), PrepareError> {
    if ty.table64 {
        return Err(PrepareError::unsupported(
            Feature::Memory64,
            format!("64-bit table {index}"),
            offset,
        ));
    }
    if ty.shared {
        return Err(PrepareError::unsupported(
            Feature::Threads,
            format!("shared table {index}"),
            offset,
        ));
    }
    if ty.element_type != RefType::FUNCREF {
        return Err(PrepareError::unsupported(
            Feature::ReferenceTypes,
            format!("table {index} of {}", ty.element_type),
            offset,
        ));
    }
    Ok(())
}

/// One 32-bit, unshared memory with 64 KiB pages.
pub(crate) fn memory(ty: &MemoryType, index: u32, offset: u64) -> Result<(), PrepareError> {
    if ty.memory64 {
        return Err(PrepareError::unsupported(
            Feature::Memory64,
            format!("64-bit memory {index}"),
            offset,
        ));
    }
    if ty.shared {
        return Err(PrepareError::unsupported(
            Feature::SharedMemory,
            format!("shared memory {index}"),
            offset,
        ));
    }
    if ty.page_size_log2.is_some() {
        return Err(PrepareError::unsupported(
            Feature::CustomPageSizes,
            format!("custom page size of memory {index}"),
            offset,
        ));
    }
    Ok(())
}

/// Integer globals, unshared.
pub(crate) fn global(ty: &GlobalType, index: u32, offset: u64) -> Result<(), PrepareError> {
    if ty.shared {
        return Err(PrepareError::unsupported(
            Feature::Threads,
            format!("shared global {index}"),
            offset,
        ));
    }
    val_type(ty.content_type, || format!("global {index}"), offset)
}

/// Constant expressions of the MVP: constants and `global.get` of an
/// imported global. Extended-const arithmetic, `global.get` of a
/// module-defined global (allowed since the GC proposal), and float or
/// vector constants are named; anything else is left to the validator.
pub(crate) fn const_expr(
    expr: &ConstExpr<'_>,
    imported_globals: u32,
    place: &str,
) -> Result<(), PrepareError> {
    let mut reader = expr.get_operators_reader();
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read()?;
        let feature = match op {
            Operator::I32Add | Operator::I32Sub | Operator::I32Mul => Feature::ExtendedConst,
            Operator::I64Add | Operator::I64Sub | Operator::I64Mul => Feature::ExtendedConst,
            Operator::F32Const { .. } | Operator::F64Const { .. } => Feature::Float,
            Operator::V128Const { .. } => Feature::Simd,
            Operator::GlobalGet { global_index } if global_index >= imported_globals => Feature::Gc,
            _ => continue,
        };
        return Err(PrepareError::unsupported(
            feature,
            format!("instruction {} in {place}", op_name(&op)),
            offset,
        ));
    }
    Ok(())
}
