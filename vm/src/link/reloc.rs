//! Relocations of compiled functions and how the linker patches them.
//!
//! Only calls between functions of the same blob are expected
//! (`colocated` direct calls): x86-64 `X86CallPCRel4`/`X86PCRel4`
//! (a 32-bit displacement: `target + addend - site`) and aarch64
//! `Arm64Call` (`bl`/`b` with a 26-bit word displacement, ±128 MiB). Anything else
//! (absolute addresses, GOT, libcall names) is a compile error: it would
//! make the blob position-dependent.

use cranelift_codegen::binemit::Reloc;

use crate::error::CompileError;

/// A relocation to patch, in terms of the blob.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Relocation {
    /// Offset of the patched bytes from the start of the function.
    pub offset: u32,
    pub kind: Reloc,
    /// Index (in the blob's function list) of the target.
    pub target: usize,
    pub addend: i64,
}

/// Patches `reloc` at `site` (offset in `code`) for a target at
/// `target_offset`, both relative to the blob start.
pub(crate) fn apply(
    code: &mut [u8],
    site: usize,
    target_offset: usize,
    reloc: &Relocation,
) -> Result<(), CompileError> {
    let error = |what: &str| CompileError::Codegen {
        func: u32::MAX,
        message: format!("relocation {:?}: {what}", reloc.kind),
    };
    match reloc.kind {
        Reloc::X86CallPCRel4 | Reloc::X86PCRel4 => {
            let value = target_offset as i64 + reloc.addend - site as i64;
            let value = i32::try_from(value).map_err(|_| error("displacement out of range"))?;
            let bytes = code
                .get_mut(site..site + 4)
                .ok_or_else(|| error("site outside the blob"))?;
            bytes.copy_from_slice(&value.to_le_bytes());
            Ok(())
        }
        Reloc::Arm64Call => {
            let delta = target_offset as i64 + reloc.addend - site as i64;
            if delta % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&delta) {
                return Err(error("displacement out of range"));
            }
            let bytes = code
                .get_mut(site..site + 4)
                .ok_or_else(|| error("site outside the blob"))?;
            let insn = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            let imm26 = ((delta >> 2) as u32) & 0x03ff_ffff;
            let patched = (insn & 0xfc00_0000) | imm26;
            bytes.copy_from_slice(&patched.to_le_bytes());
            Ok(())
        }
        _ => Err(error("unsupported kind")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reloc(kind: Reloc, addend: i64) -> Relocation {
        Relocation {
            offset: 0,
            kind,
            target: 0,
            addend,
        }
    }

    #[test]
    fn x86_call_displacement() {
        // call rel32 at 0x10 (opcode at 0x0f) to 0x100: rel = 0x100 - 0x14.
        let mut code = vec![0u8; 0x20];
        apply(&mut code, 0x10, 0x100, &reloc(Reloc::X86CallPCRel4, -4)).unwrap();
        assert_eq!(
            i32::from_le_bytes(code[0x10..0x14].try_into().unwrap()),
            0x100 - 0x14
        );
        // Backwards.
        apply(&mut code, 0x10, 0, &reloc(Reloc::X86CallPCRel4, -4)).unwrap();
        assert_eq!(
            i32::from_le_bytes(code[0x10..0x14].try_into().unwrap()),
            -0x14
        );
    }

    #[test]
    fn arm64_call_displacement() {
        let bl = 0x9400_0000u32;
        let mut code = bl.to_le_bytes().repeat(4);
        apply(&mut code, 8, 0, &reloc(Reloc::Arm64Call, 0)).unwrap();
        let insn = u32::from_le_bytes(code[8..12].try_into().unwrap());
        assert_eq!(insn, bl | (((-8i32 >> 2) as u32) & 0x03ff_ffff));
        assert!(apply(&mut code, 8, 1 << 28, &reloc(Reloc::Arm64Call, 0)).is_err());
    }

    #[test]
    fn other_relocations_are_rejected() {
        let mut code = vec![0u8; 8];
        assert!(apply(&mut code, 0, 0, &reloc(Reloc::Abs8, 0)).is_err());
    }
}
