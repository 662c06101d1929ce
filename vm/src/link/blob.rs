//! Laying compiled functions out into one blob and resolving their calls.

use super::reloc::{self, Relocation};
use crate::error::CompileError;

/// Alignment of every function in the blob.
const FUNCTION_ALIGN: usize = 16;

/// One compiled function before linking.
pub(crate) struct CompiledFunction {
    pub code: Vec<u8>,
    pub relocs: Vec<Relocation>,
    /// Native frame below the frame pointer, in bytes.
    pub frame: u32,
}

/// Concatenates `functions` and patches their relocations; returns the blob
/// and each function's offset in it.
pub(crate) fn link(
    functions: &[CompiledFunction],
    padding: u8,
) -> Result<(Vec<u8>, Vec<usize>), CompileError> {
    let mut blob = Vec::new();
    let mut offsets = Vec::with_capacity(functions.len());
    for f in functions {
        let padded = blob.len().next_multiple_of(FUNCTION_ALIGN);
        // Never executed: int3 on x86-64, zeros (udf) on aarch64.
        blob.resize(padded, padding);
        offsets.push(blob.len());
        blob.extend_from_slice(&f.code);
    }
    for (f, &start) in functions.iter().zip(&offsets) {
        for r in &f.relocs {
            let target = *offsets.get(r.target).ok_or_else(|| CompileError::Codegen {
                func: u32::MAX,
                message: "relocation to an unknown function".into(),
            })?;
            reloc::apply(&mut blob, start + r.offset as usize, target, r)?;
        }
    }
    Ok((blob, offsets))
}
