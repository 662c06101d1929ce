#!/usr/bin/env bash
# Builds every Gasket contract in this workspace for wasm32-unknown-unknown
# (release profile of ./Cargo.toml; bench/ with its `bench-wasm` profile)
# and copies each module to
# target/wasm/<name>.wasm, printing its size and sha256.
#
# Deterministic: the same sources, Cargo.lock and rustc give the same bytes,
# wherever the checkout lives (paths are remapped, symbols and debug info
# stripped, one codegen unit, dependencies pinned with --locked).
#
# Usage: contracts/build.sh            (from any directory)
# Env:   GASKET_CHECK_WASM=0           skip the wabt checks at the end
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET=wasm32-unknown-unknown
OUT="$DIR/target/wasm"

if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
    rustup target add "$TARGET"
fi

CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
RUSTUP_HOME_DIR="${RUSTUP_HOME:-$HOME/.rustup}"
# Remove machine-specific paths from anything that embeds a source path
# (panic locations). The last matching remap wins, so the broadest comes first.
# CARGO_ENCODED_RUSTFLAGS (separator 0x1f) survives spaces in paths and
# replaces any RUSTFLAGS from the caller's environment.
SEP=$'\x1f'
FLAGS="--remap-path-prefix=${HOME:-/nonexistent-home}=/home"
FLAGS+="${SEP}--remap-path-prefix=$RUSTUP_HOME_DIR=/rustup"
FLAGS+="${SEP}--remap-path-prefix=$CARGO_HOME_DIR=/cargo"
FLAGS+="${SEP}--remap-path-prefix=$DIR=/gasket/contracts"
# A 64 KiB stack instead of Rust's 1 MiB, as ink!'s cargo-contract links:
# every initial page is charged at every call (__gasket_start), and the
# stack is most of a contract's initial memory. The stack comes first in
# memory, so an overflow is a MemoryOutOfBounds trap, never corruption.
FLAGS+="${SEP}-Clink-arg=-zstack-size=65536"
export CARGO_ENCODED_RUSTFLAGS="$FLAGS"
unset RUSTFLAGS
# A source-date or incremental setting from the environment must not leak in.
unset CARGO_INCREMENTAL SOURCE_DATE_EPOCH

cd "$DIR"
LOCKED=()
[[ -f Cargo.lock ]] && LOCKED=(--locked)
# The benchmark workloads build with their own profile (`bench-wasm` in
# Cargo.toml: release without overflow checks, the bytes benches/ measured).
BENCH=(workloads large)
EXCLUDE=()
for name in "${BENCH[@]}"; do EXCLUDE+=(--exclude "$name"); done
cargo build --release --workspace "${EXCLUDE[@]}" --target "$TARGET" --target-dir "$DIR/target" "${LOCKED[@]}"
cargo build --profile bench-wasm "${BENCH[@]/#/-p=}" --target "$TARGET" --target-dir "$DIR/target" "${LOCKED[@]}"

mkdir -p "$OUT"
names=()
for manifest in examples/*/Cargo.toml adversarial/*/Cargo.toml bench/*/Cargo.toml; do
    [[ -f "$manifest" ]] || continue
    name="$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$manifest" | head -n1)"
    profile=release
    [[ "$manifest" == bench/* ]] && profile=bench-wasm
    artifact="$DIR/target/$TARGET/$profile/${name//-/_}.wasm"
    if [[ ! -f "$artifact" ]]; then
        echo "build.sh: $artifact missing (is $manifest a cdylib?)" >&2
        exit 1
    fi
    cp "$artifact" "$OUT/$name.wasm"
    names+=("$name")
done

# Bytes of the `gasket.abi` JSON (the custom section's payload minus its
# name: 1 length byte + 10), or "-" without one or without wabt.
abi_bytes() {
    local size
    command -v wasm-objdump >/dev/null || { echo "?"; return; }
    size="$(wasm-objdump -h "$1" | sed -n 's/.*(size=\(0x[0-9a-f]*\)) "gasket\.abi".*/\1/p')"
    if [[ -n "$size" ]]; then echo $((size - 11)); else echo "-"; fi
}

printf '%-15s %8s %6s  %s\n' contract bytes abi sha256
for name in "${names[@]}"; do
    f="$OUT/$name.wasm"
    printf '%-15s %8d %6s  %s\n' "$name" "$(wc -c <"$f")" "$(abi_bytes "$f")" "$(sha256sum "$f" | cut -d' ' -f1)"
done

# Sanity checks with wabt, when it is installed (apt-get install wabt). The
# VM's own gate is authoritative; this only catches mistakes early.
if [[ "${GASKET_CHECK_WASM:-1}" != 0 ]] && command -v wasm2wat >/dev/null && command -v wasm-objdump >/dev/null; then
    for name in "${names[@]}"; do
        f="$OUT/$name.wasm"
        if wasm-objdump -j Import -x "$f" 2>/dev/null | grep -E '<- ' | grep -vqE '<- env\.'; then
            echo "build.sh: $name imports from a module other than env" >&2
            exit 1
        fi
        # Every example but probe describes itself in `gasket.abi`.
        if [[ -f "$DIR/examples/$name/Cargo.toml" && "$name" != probe ]] &&
            ! wasm-objdump -h "$f" | grep -q '"gasket\.abi"'; then
            echo "build.sh: $name has no gasket.abi custom section" >&2
            exit 1
        fi
        case "$f" in
            */floaty.wasm) ;; # adversarial: must contain floats
            *)
                if wasm2wat "$f" | grep -qE '\b(f32|f64|v128)\b|atomic'; then
                    echo "build.sh: $name uses floats, SIMD or atomics" >&2
                    exit 1
                fi
                ;;
        esac
    done
    echo "wabt checks passed (imports only from env; no f32/f64/v128/atomics outside adversarial/; examples but probe have gasket.abi)"
fi
