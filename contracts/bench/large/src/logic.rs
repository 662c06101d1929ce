//! The contract's work, target-independent: the wasm exports in `lib.rs`
//! call these, and the same file can be compiled natively to compute the
//! expected results (see `README` in the crate docs of `lib.rs`).

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use blake2::{Blake2b512, Blake2s256};
use borsh::{BorshDeserialize, BorshSerialize};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256, Sha512};
use sha3::{Keccak256, Sha3_256};

use crate::vectors;

/// Every fourth signature check (index ≡ 3 mod 4) runs on a message with
/// one bit flipped and must be rejected.
fn tampered(i: u32) -> bool {
    i % 4 == 3
}

/// Copies `msg` into `buf` (cleared first), flipping a bit when `tamper`.
fn message_into(buf: &mut Vec<u8>, msg: &[u8], tamper: bool) {
    buf.clear();
    buf.extend_from_slice(msg);
    if tamper {
        match buf.first_mut() {
            Some(b) => *b ^= 0x20,
            None => buf.push(0),
        }
    }
}

/// `ok << 32 | rejected`.
fn tally(ok: u32, rejected: u32) -> u64 {
    ((ok as u64) << 32) | rejected as u64
}

/// Ed25519 (RFC 8032, `verify_strict`) over the embedded vectors, `n` checks.
pub fn ed25519(n: u32) -> u64 {
    use ed25519_dalek::{Signature, VerifyingKey};
    let (mut ok, mut rejected) = (0, 0);
    let mut msg = Vec::new();
    for i in 0..n {
        let v = &vectors::ED25519[i as usize % vectors::ED25519.len()];
        message_into(&mut msg, v.msg, tampered(i));
        let Ok(key) = VerifyingKey::from_bytes(&v.public) else {
            continue;
        };
        let sig = Signature::from_bytes(&v.sig);
        if key.verify_strict(&msg, &sig).is_ok() {
            ok += 1;
        } else {
            rejected += 1;
        }
    }
    tally(ok, rejected)
}

/// The Ethereum address of a secp256k1 key: the last 20 bytes of the
/// Keccak-256 of its uncompressed point without the 0x04 tag.
fn eth_address(key: &k256::ecdsa::VerifyingKey) -> [u8; 20] {
    let point = key.to_encoded_point(false);
    let hash = Keccak256::digest(&point.as_bytes()[1..]);
    let mut out = [0u8; 20];
    out.copy_from_slice(&hash[12..]);
    out
}

/// secp256k1 as Ethereum uses it, `n` checks: Keccak-256 prehash, public
/// key recovery, the recovered address compared with the expected one,
/// and the ECDSA verification itself; every eighth check a BIP-340
/// Schnorr signature instead.
pub fn secp256k1(n: u32) -> u64 {
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
    let (mut ok, mut rejected) = (0, 0);
    let mut msg = Vec::new();
    for i in 0..n {
        let tamper = tampered(i);
        let accepted = if i % 8 == 4 {
            let v = &vectors::SCHNORR[(i as usize / 8) % vectors::SCHNORR.len()];
            message_into(&mut msg, v.msg, tamper);
            match (
                k256::schnorr::VerifyingKey::from_bytes(&v.public),
                k256::schnorr::Signature::try_from(&v.sig[..]),
            ) {
                (Ok(key), Ok(sig)) => key.verify_raw(&msg, &sig).is_ok(),
                _ => false,
            }
        } else {
            let v = &vectors::SECP256K1[i as usize % vectors::SECP256K1.len()];
            message_into(&mut msg, v.msg, tamper);
            let prehash = Keccak256::digest(&msg);
            match (
                Signature::from_slice(&v.sig),
                RecoveryId::from_byte(v.recovery_id),
            ) {
                (Ok(sig), Some(id)) => match VerifyingKey::recover_from_prehash(&prehash, &sig, id)
                {
                    Ok(key) => {
                        eth_address(&key) == v.address && key.verify_prehash(&prehash, &sig).is_ok()
                    }
                    Err(_) => false,
                },
                _ => false,
            }
        };
        if accepted {
            ok += 1;
        } else {
            rejected += 1;
        }
    }
    tally(ok, rejected)
}

/// NIST P-256 ECDSA with SHA-256 (as WebAuthn passkeys sign), `n` checks;
/// keys are SEC1-compressed, so each check also decompresses a point.
pub fn p256(n: u32) -> u64 {
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::{Signature, VerifyingKey};
    let (mut ok, mut rejected) = (0, 0);
    let mut msg = Vec::new();
    for i in 0..n {
        let v = &vectors::P256[i as usize % vectors::P256.len()];
        message_into(&mut msg, v.msg, tampered(i));
        let accepted = match (
            VerifyingKey::from_sec1_bytes(&v.public),
            Signature::from_slice(&v.sig),
        ) {
            (Ok(key), Ok(sig)) => key.verify(&msg, &sig).is_ok(),
            _ => false,
        };
        if accepted {
            ok += 1;
        } else {
            rejected += 1;
        }
    }
    tally(ok, rejected)
}

/// NIST P-384 ECDSA with SHA-384, `n` checks; keys SEC1-compressed.
pub fn p384(n: u32) -> u64 {
    use p384::ecdsa::signature::Verifier;
    use p384::ecdsa::{Signature, VerifyingKey};
    let (mut ok, mut rejected) = (0, 0);
    let mut msg = Vec::new();
    for i in 0..n {
        let v = &vectors::P384[i as usize % vectors::P384.len()];
        message_into(&mut msg, v.msg, tampered(i));
        let accepted = match (
            VerifyingKey::from_sec1_bytes(&v.public),
            Signature::from_slice(&v.sig),
        ) {
            (Ok(key), Ok(sig)) => key.verify(&msg, &sig).is_ok(),
            _ => false,
        };
        if accepted {
            ok += 1;
        } else {
            rejected += 1;
        }
    }
    tally(ok, rejected)
}

/// `rounds` rounds over a 1 KiB buffer: SHA-256, SHA-512, Keccak-256,
/// SHA3-256, BLAKE2b-512 and BLAKE2s-256 of it and RIPEMD-160 of the
/// SHA-256 (Bitcoin's hash160), each digest copied back over its start;
/// returns its first 8 bytes (little-endian).
pub fn hashes(rounds: u32) -> u64 {
    let mut buf = [0u8; 1024];
    for (i, b) in buf.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31) ^ 0x5a;
    }
    for round in 0..rounds {
        buf[1020..].copy_from_slice(&round.to_le_bytes());
        let a = Sha256::digest(buf);
        let b = Sha512::digest(buf);
        let c = Keccak256::digest(buf);
        let d = Sha3_256::digest(buf);
        let e = Blake2b512::digest(buf);
        let f = Blake2s256::digest(buf);
        let g = Ripemd160::digest(a);
        buf.copy_within(0..512, 512);
        buf[160..224].copy_from_slice(&e);
        buf[224..256].copy_from_slice(&f);
        buf[256..276].copy_from_slice(&g);
        buf[..32].copy_from_slice(&a);
        buf[32..96].copy_from_slice(&b);
        buf[96..128].copy_from_slice(&c);
        buf[128..160].copy_from_slice(&d);
    }
    u64::from_le_bytes(buf[..8].try_into().unwrap_or_default())
}

/// A transfer as a chain would carry it, borsh-encoded.
#[derive(BorshSerialize, BorshDeserialize, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Transfer {
    from: [u8; 32],
    nonce: u64,
    to: [u8; 32],
    amount: u128,
    memo: Vec<u8>,
    fee: Option<u32>,
}

/// The block a batch of transfers makes.
#[derive(BorshSerialize, BorshDeserialize)]
struct Block {
    height: u64,
    parent: [u8; 32],
    transfers: Vec<Transfer>,
}

/// Largest batch `mixed` builds.
pub const MIXED_MAX: u32 = 4096;

/// Merkle root of `leaves` by recursion: SHA-256 of the two halves' roots.
fn merkle(leaves: &[[u8; 32]]) -> [u8; 32] {
    match leaves {
        [] => [0; 32],
        [one] => *one,
        _ => {
            let (left, right) = leaves.split_at(leaves.len().div_ceil(2));
            let mut h = Sha256::new();
            h.update(merkle(left));
            h.update(merkle(right));
            h.finalize().into()
        }
    }
}

/// A block of `n` (≤ 4096) transfers, as a node would process it: build
/// them (xorshift over 8 accounts), borsh-encode the block and decode it
/// back, verify the producer's Ed25519 signature over the header, sort the
/// transfers, Merkle-root their hashes (recursion), apply them to a
/// balance map, and Keccak the encoded block; returns 8 bytes folded from
/// the root, the block hash and the balances.
pub fn mixed(n: u32) -> u64 {
    let n = n.min(MIXED_MAX);
    let accounts: Vec<[u8; 32]> = (0u8..8).map(|i| Sha256::digest([b'a', i]).into()).collect();
    let mut x = 0x2545_f491u32;
    let mut transfers = Vec::with_capacity(n as usize);
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        transfers.push(Transfer {
            from: accounts[x as usize % 8],
            nonce: u64::from((x >> 8) % 64),
            to: accounts[(x >> 3) as usize % 8],
            amount: u128::from(x) * 1_000_003,
            memo: (0..(x % 40) as u8).map(|b| b ^ i as u8).collect(),
            fee: if x & 1 == 0 { Some(x >> 20) } else { None },
        });
    }
    let block = Block {
        height: u64::from(n),
        parent: vectors::ED25519[0].public,
        transfers,
    };
    let encoded = borsh::to_vec(&block).unwrap_or_default();
    let Ok(mut block) = Block::try_from_slice(&encoded) else {
        return 0;
    };
    let producer_ok = ed25519(1) >> 32;

    block.transfers.sort_unstable();
    let leaves: Vec<[u8; 32]> = block
        .transfers
        .iter()
        .map(|t| Sha256::digest(borsh::to_vec(t).unwrap_or_default()).into())
        .collect();
    let root = merkle(&leaves);

    let mut balances: BTreeMap<[u8; 32], u128> = BTreeMap::new();
    for t in &block.transfers {
        let from = balances.entry(t.from).or_insert(1 << 100);
        *from = from.wrapping_sub(t.amount);
        let to = balances.entry(t.to).or_insert(1 << 100);
        *to = to.wrapping_add(t.amount);
    }
    let mut sum = 0u64;
    for (k, v) in &balances {
        sum = sum
            .wrapping_mul(31)
            .wrapping_add(u64::from(k[0]) ^ *v as u64);
    }

    let hash = Keccak256::digest(&encoded);
    let mut out = [0u8; 8];
    for i in 0..8 {
        out[i] = root[i] ^ hash[i];
    }
    u64::from_le_bytes(out) ^ sum ^ producer_ok
}

/// `n` rounds of signing with the three schemes from fixed secret keys,
/// each signature then verified: Ed25519 (RFC 8032), secp256k1 and P-256
/// ECDSA (RFC 6979 nonces, HMAC-SHA-256); every message derives from the
/// previous signatures. Returns `verified << 32` plus the low 32 bits of the
/// last signatures' first bytes folded (0 bits where signing failed).
pub fn sign(n: u32) -> u64 {
    use ed25519_dalek::{Signer as _, Verifier as _};
    use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
    let ed = ed25519_dalek::SigningKey::from_bytes(&Sha256::digest(b"gasket sign ed25519").into());
    let Ok(k) = k256::ecdsa::SigningKey::from_slice(&Sha256::digest(b"gasket sign k256")) else {
        return 0;
    };
    let Ok(p) = p256::ecdsa::SigningKey::from_slice(&Sha256::digest(b"gasket sign p256")) else {
        return 0;
    };
    let mut msg = [0u8; 96];
    let mut verified = 0u64;
    for _ in 0..n {
        let s1 = ed.sign(&msg);
        verified += u64::from(ed.verifying_key().verify(&msg, &s1).is_ok());
        let prehash = Keccak256::digest(msg);
        let Ok((s2, _)) = k.sign_prehash_recoverable(&prehash) else {
            return 0;
        };
        verified += u64::from(k.verifying_key().verify_prehash(&prehash, &s2).is_ok());
        let Ok(s3): Result<p256::ecdsa::Signature, _> = p.sign_prehash(&Sha256::digest(msg)) else {
            return 0;
        };
        verified += u64::from(
            p256::ecdsa::signature::hazmat::PrehashVerifier::verify_prehash(
                p.verifying_key(),
                &Sha256::digest(msg),
                &s3,
            )
            .is_ok(),
        );
        msg[..32].copy_from_slice(&s1.to_bytes()[..32]);
        msg[32..64].copy_from_slice(&s2.to_bytes()[..32]);
        msg[64..].copy_from_slice(&s3.to_bytes()[..32]);
    }
    (verified << 32) | u64::from(u32::from_le_bytes([msg[0], msg[32], msg[64], msg[95]]))
}
