//! Laying compiled functions out into one blob and resolving their calls.
//!
//! An aarch64 `bl` reaches ±128 MiB. A module at the size limit whose
//! code expands 30 times (the worst shapes measured expand 15–26 times in
//! slots) would pass that on aarch64 and not on x86-64 (±2 GiB), so
//! linking would fail on one architecture only: a deploy one node
//! accepts and another rejects. So a blob whose calls do not all reach
//! is laid out again with islands: after every [`ISLAND_INTERVAL`] of
//! code, a veneer per callee of the functions before it (position
//! independent: `adr`, a 64-bit literal displacement, `add`, `br` through
//! x16/x17, the registers AAPCS64 gives linker veneers, which Cranelift
//! never keeps live across a call or uses for arguments). A call out of
//! reach goes to its veneer in the island after its function.

use std::collections::HashMap;

use cranelift_codegen::binemit::Reloc;

use super::reloc::{self, Relocation};
use crate::error::CompileError;

/// Alignment of every function in the blob.
const FUNCTION_ALIGN: usize = 16;

/// Reach of an aarch64 `bl`, either way.
const ARM64_CALL_REACH: i64 = 1 << 27;

/// The most code between two islands (but for a single longer function):
/// a call is then at most this far, plus the island (24 bytes per
/// callee, under 250 KB at the limits on functions), from its veneer,
/// well within [`ARM64_CALL_REACH`].
const ISLAND_INTERVAL: usize = 64 << 20;

/// One compiled function before linking.
pub(crate) struct CompiledFunction {
    pub code: Vec<u8>,
    pub relocs: Vec<Relocation>,
    /// Native frame below the frame pointer, in bytes.
    pub frame: u32,
}

/// Concatenates `functions` and patches their relocations; returns the blob
/// and each function's offset in it. With a `layout_seed`
/// (`EngineConfig::code_layout_seed`), functions start up to 48 bytes
/// later, as it picks.
pub(crate) fn link(
    functions: &[CompiledFunction],
    padding: u8,
    layout_seed: Option<u64>,
) -> Result<(Vec<u8>, Vec<usize>), CompileError> {
    link_with(
        functions,
        Layout {
            padding,
            seed: layout_seed,
        },
        ARM64_CALL_REACH,
        ISLAND_INTERVAL,
    )
}

/// How functions are laid out.
#[derive(Clone, Copy)]
struct Layout {
    /// The filler byte between functions (never executed).
    padding: u8,
    /// See [`link`].
    seed: Option<u64>,
}

impl Layout {
    /// Bytes of padding before function `index` beyond its alignment: 0,
    /// 16, 32 or 48 as the seed picks (a splitmix64 step), none without one.
    fn shift(self, index: usize) -> usize {
        let Some(seed) = self.seed else {
            return 0;
        };
        let mut x = seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^= x >> 31;
        (x % 4) as usize * FUNCTION_ALIGN
    }
}

/// [`link`] with a given reach of aarch64 calls and interval between
/// islands (tests use small ones).
fn link_with(
    functions: &[CompiledFunction],
    layout: Layout,
    reach: i64,
    interval: usize,
) -> Result<(Vec<u8>, Vec<usize>), CompileError> {
    let (mut blob, offsets, _) = lay_out(functions, layout, None);
    let reaches = |site: usize, target: usize, r: &Relocation| {
        let delta = target as i64 + r.addend - site as i64;
        r.kind != Reloc::Arm64Call || (-reach..reach).contains(&delta)
    };
    let all_reach = functions.iter().zip(&offsets).all(|(f, &start)| {
        f.relocs.iter().all(|r| {
            offsets
                .get(r.target)
                .is_none_or(|&target| reaches(start + r.offset as usize, target, r))
        })
    });
    if all_reach {
        patch(&mut blob, functions, &offsets, |_, _, r| {
            Ok((target_offset(&offsets, r)?, *r))
        })?;
        return Ok((blob, offsets));
    }

    let (mut blob, offsets, islands) = lay_out(functions, layout, Some(interval));
    patch(&mut blob, functions, &offsets, |function, site, r| {
        let target = target_offset(&offsets, r)?;
        if reaches(site, target, r) {
            return Ok((target, *r));
        }
        let veneer = *islands
            .iter()
            .find(|island| island.functions.contains(&function))
            .and_then(|island| island.veneers.get(&(r.target, r.addend)))
            .ok_or_else(|| link_error("a call out of reach without a veneer"))?;
        let to_veneer = Relocation { addend: 0, ..*r };
        // Only a function longer than the reach could be this far from
        // the island after it.
        if !reaches(site, veneer, &to_veneer) {
            return Err(link_error("a call out of reach of its island"));
        }
        Ok((veneer, to_veneer))
    })?;
    for island in &islands {
        for (&(callee, addend), &veneer) in &island.veneers {
            let target = *offsets
                .get(callee)
                .ok_or_else(|| link_error("relocation to an unknown function"))?;
            write_veneer(&mut blob, veneer, target as i64 + addend - veneer as i64)?;
        }
    }
    Ok((blob, offsets))
}

/// Veneers after a run of functions, for every aarch64 call they make.
struct Island {
    /// Indices of the functions before it (since the previous island).
    functions: std::ops::Range<usize>,
    /// Offset of the veneer for each `(callee, addend)`.
    veneers: HashMap<(usize, i64), usize>,
}

/// `adr x17, .; ldr x16, .+12 (the literal); add x16, x17, x16; br x16;`
/// `.quad delta`, delta from the veneer's start.
const VENEER: [u32; 4] = [0x1000_0011, 0x5800_0070, 0x8b10_0230, 0xd61f_0200];

/// Bytes of a veneer: the four instructions and the displacement.
const VENEER_BYTES: usize = 24;

/// Lays `functions` out; with `interval`, an island (its veneers left
/// zero) after each run of functions of at most `interval` bytes.
fn lay_out(
    functions: &[CompiledFunction],
    layout: Layout,
    interval: Option<usize>,
) -> (Vec<u8>, Vec<usize>, Vec<Island>) {
    let padding = layout.padding;
    let mut blob = Vec::new();
    let mut offsets = Vec::with_capacity(functions.len());
    let mut islands = Vec::new();
    let (mut run_start, mut first) = (0, 0);
    for (index, f) in functions.iter().enumerate() {
        // A run ends before the function that would take it past
        // `interval` (a run of one function may be longer).
        let end = blob.len().next_multiple_of(FUNCTION_ALIGN) + layout.shift(index) + f.code.len();
        if interval.is_some_and(|interval| index > first && end - run_start > interval) {
            add_island(&mut blob, functions, first..index, padding, &mut islands);
            (run_start, first) = (blob.len(), index);
        }
        let padded = blob.len().next_multiple_of(FUNCTION_ALIGN) + layout.shift(index);
        // Never executed: int3 on x86-64, zeros (udf) on aarch64.
        blob.resize(padded, padding);
        offsets.push(blob.len());
        blob.extend_from_slice(&f.code);
    }
    if interval.is_some() && first < functions.len() {
        add_island(
            &mut blob,
            functions,
            first..functions.len(),
            padding,
            &mut islands,
        );
    }
    (blob, offsets, islands)
}

/// Appends an island (its veneers left zero) for the functions of `run`.
fn add_island(
    blob: &mut Vec<u8>,
    functions: &[CompiledFunction],
    run: std::ops::Range<usize>,
    padding: u8,
    islands: &mut Vec<Island>,
) {
    let mut veneers = HashMap::new();
    for r in functions[run.clone()].iter().flat_map(|f| &f.relocs) {
        if r.kind == Reloc::Arm64Call {
            let next = veneers.len();
            veneers.entry((r.target, r.addend)).or_insert(next);
        }
    }
    let start = blob.len().next_multiple_of(FUNCTION_ALIGN);
    blob.resize(start + veneers.len() * VENEER_BYTES, padding);
    for slot in veneers.values_mut() {
        *slot = start + *slot * VENEER_BYTES;
    }
    islands.push(Island {
        functions: run,
        veneers,
    });
}

/// Patches every relocation of `functions`, laid out at `offsets`, to where
/// `resolve` (given the function's index, the site and the relocation)
/// sends it: an offset in the blob and the relocation to apply there.
fn patch(
    blob: &mut [u8],
    functions: &[CompiledFunction],
    offsets: &[usize],
    mut resolve: impl FnMut(usize, usize, &Relocation) -> Result<(usize, Relocation), CompileError>,
) -> Result<(), CompileError> {
    for (index, (f, &start)) in functions.iter().zip(offsets).enumerate() {
        for r in &f.relocs {
            let site = start + r.offset as usize;
            let (target, applied) = resolve(index, site, r)?;
            reloc::apply(blob, site, target, &applied)?;
        }
    }
    Ok(())
}

fn target_offset(offsets: &[usize], r: &Relocation) -> Result<usize, CompileError> {
    offsets
        .get(r.target)
        .copied()
        .ok_or_else(|| link_error("relocation to an unknown function"))
}

fn write_veneer(blob: &mut [u8], at: usize, delta: i64) -> Result<(), CompileError> {
    let bytes = blob
        .get_mut(at..at + VENEER_BYTES)
        .ok_or_else(|| link_error("veneer outside the blob"))?;
    for (slot, insn) in bytes.chunks_exact_mut(4).zip(VENEER) {
        slot.copy_from_slice(&insn.to_le_bytes());
    }
    bytes[16..].copy_from_slice(&delta.to_le_bytes());
    Ok(())
}

fn link_error(what: &str) -> CompileError {
    CompileError::Codegen {
        func: u32::MAX,
        message: format!("linking: {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    const BL: u32 = 0x9400_0000;

    /// A function of `len` bytes of `nop`s with a `bl` to each of `calls`
    /// at the given offsets.
    fn function(len: usize, calls: &[(u32, usize)]) -> CompiledFunction {
        let mut code = 0xd503_201fu32.to_le_bytes().repeat(len / 4);
        let mut relocs = Vec::new();
        for &(offset, target) in calls {
            code[offset as usize..offset as usize + 4].copy_from_slice(&BL.to_le_bytes());
            relocs.push(Relocation {
                offset,
                kind: Reloc::Arm64Call,
                target,
                addend: 0,
            });
        }
        CompiledFunction {
            code,
            relocs,
            frame: 0,
        }
    }

    /// Where the `bl` at `site` of `blob` lands.
    fn landing(blob: &[u8], site: usize) -> usize {
        let insn = u32::from_le_bytes(blob[site..site + 4].try_into().unwrap());
        assert_eq!(insn & 0xfc00_0000, BL, "a bl at {site:#x}");
        let delta = ((insn << 6) as i32 >> 4) as i64;
        (site as i64 + delta) as usize
    }

    /// Where the `bl` at `site` of `blob` leads, through a veneer if it
    /// lands on one.
    fn destination(blob: &[u8], site: usize) -> usize {
        let landing = landing(blob, site);
        let word = |at: usize| u32::from_le_bytes(blob[at..at + 4].try_into().unwrap());
        if word(landing) != VENEER[0] {
            return landing;
        }
        for (k, &insn) in VENEER.iter().enumerate() {
            assert_eq!(word(landing + 4 * k), insn, "veneer at {landing:#x}");
        }
        let literal = i64::from_le_bytes(blob[landing + 16..landing + 24].try_into().unwrap());
        (landing as i64 + literal) as usize
    }

    /// Checks that every call of `functions`, linked at `offsets` in
    /// `blob`, leads to its callee and lands within `reach` of its site;
    /// returns how many go through a veneer.
    fn calls_through_veneers(
        functions: &[CompiledFunction],
        blob: &[u8],
        offsets: &[usize],
        reach: usize,
    ) -> usize {
        let mut through_veneers = 0;
        for (f, &start) in functions.iter().zip(offsets) {
            for r in &f.relocs {
                let site = start + r.offset as usize;
                assert_eq!(
                    destination(blob, site),
                    offsets[r.target],
                    "call at {site:#x}"
                );
                let landing = landing(blob, site);
                assert!(
                    landing.abs_diff(site) < reach,
                    "call at {site:#x} to {landing:#x}"
                );
                through_veneers += usize::from(landing != offsets[r.target]);
            }
        }
        through_veneers
    }

    /// Zero filler, no layout seed.
    const UNPADDED: Layout = Layout {
        padding: 0,
        seed: None,
    };

    #[test]
    fn calls_within_reach_go_direct_and_leave_no_island() {
        let functions = [function(64, &[(8, 1)]), function(64, &[(0, 0)])];
        let (blob, offsets) = link(&functions, 0, None).unwrap();
        assert_eq!(blob.len(), 128);
        assert_eq!(destination(&blob, offsets[0] + 8), offsets[1]);
        assert_eq!(destination(&blob, offsets[1]), offsets[0]);
    }

    /// A layout seed moves functions by multiples of 16 bytes, differently
    /// for different seeds, and every call still lands on its callee.
    #[test]
    fn a_layout_seed_shifts_functions_and_calls_follow() {
        let functions: Vec<_> = (0..16)
            .map(|i| function(64, &[(8, (i + 5) % 16)]))
            .collect();
        let (_, unshifted) = link(&functions, 0, None).unwrap();
        let mut layouts = HashSet::new();
        for seed in 1..=4 {
            let (blob, offsets) = link(&functions, 0, Some(seed)).unwrap();
            for (i, (&at, &plain)) in offsets.iter().zip(&unshifted).enumerate() {
                assert_eq!(at % FUNCTION_ALIGN, 0, "function {i}, seed {seed}");
                assert_eq!(
                    destination(&blob, at + 8),
                    offsets[(i + 5) % 16],
                    "function {i}, seed {seed}"
                );
                assert!(at >= plain);
            }
            assert_eq!(offsets, link(&functions, 0, Some(seed)).unwrap().1);
            layouts.insert(offsets);
        }
        assert_eq!(layouts.len(), 4, "four seeds, four layouts");
        assert!(!layouts.contains(&unshifted));
    }

    /// With a reach of 1 KiB and islands every 512 bytes, calls to far
    /// functions (both ways) go through a veneer that lands on them; near
    /// ones stay direct.
    #[test]
    fn calls_out_of_reach_go_through_a_veneer_to_their_callee() {
        let functions = [
            function(256, &[(0, 1), (4, 3), (8, 4)]),
            function(512, &[(16, 0), (20, 4)]),
            function(768, &[]),
            function(256, &[(0, 0), (12, 4)]),
            function(256, &[(0, 0), (4, 1), (8, 3)]),
        ];
        let (blob, offsets) = link_with(&functions, UNPADDED, 1024, 512).unwrap();
        let through_veneers = calls_through_veneers(&functions, &blob, &offsets, 1024);
        assert!(
            through_veneers >= 4,
            "{through_veneers} calls through veneers"
        );
    }

    /// Islands with different callees, runs of one function longer than
    /// the interval: each call out of reach goes to the veneer of its own
    /// island, which it reaches (`link_with` checks), and lands on its
    /// callee.
    #[test]
    fn each_call_goes_to_the_island_after_its_function() {
        let functions = [
            function(128, &[(0, 4)]),
            function(640, &[(600, 4)]),
            function(128, &[(0, 0), (4, 1)]),
            function(640, &[]),
            function(128, &[(0, 0)]),
        ];
        let (blob, offsets) = link_with(&functions, UNPADDED, 768, 256).unwrap();
        let through_veneers = calls_through_veneers(&functions, &blob, &offsets, 768);
        assert!(
            through_veneers >= 3,
            "{through_veneers} calls through veneers"
        );
    }

    /// Machine code through a veneer, run: a caller `bl`s a callee 3 KiB
    /// away with a reach of 1 KiB, and gets its 42 (aarch64 hosts, and
    /// the emulated test run).
    #[test]
    #[cfg(target_arch = "aarch64")]
    #[allow(unsafe_code)]
    fn a_call_through_a_veneer_runs() {
        let words = |words: &[u32]| words.iter().flat_map(|w| w.to_le_bytes()).collect();
        // stp x29, x30, [sp, #-16]!; mov x29, sp; bl callee;
        // ldp x29, x30, [sp], #16; ret
        let caller = CompiledFunction {
            code: words(&[0xa9bf_7bfd, 0x9100_03fd, BL, 0xa8c1_7bfd, 0xd65f_03c0]),
            relocs: vec![Relocation {
                offset: 8,
                kind: Reloc::Arm64Call,
                target: 2,
                addend: 0,
            }],
            frame: 0,
        };
        // mov x0, #42; ret
        let callee = CompiledFunction {
            code: words(&[0xd280_0540, 0xd65f_03c0]),
            relocs: Vec::new(),
            frame: 0,
        };
        let functions = [caller, function(3072, &[]), callee];
        let (blob, offsets) = link_with(&functions, UNPADDED, 1024, 512).unwrap();
        assert_ne!(
            landing(&blob, offsets[0] + 8),
            offsets[2],
            "not through a veneer"
        );
        let memory = crate::link::code_memory::CodeMemory::new(&blob).unwrap();
        // SAFETY: the caller is a complete function of the AAPCS64 ABI
        // (it saves and restores its frame record, x16/x17 are scratch),
        // linked in executable memory that outlives the call.
        let result = unsafe {
            let caller: extern "C" fn() -> u64 = std::mem::transmute(memory.addr(offsets[0]));
            caller()
        };
        assert_eq!(result, 42);
    }
}
