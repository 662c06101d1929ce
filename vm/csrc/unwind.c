/*
 * Gasket trap unwinding: the only C in the VM.
 *
 * gasket_enter() sets a jump point, then calls a generated entry trampoline.
 * gasket_raise_trap(), called by generated code (through the libcall table in
 * the VM context) when an explicit check fails, longjmps back to it. Only
 * generated frames and this file's frames lie between the two: the Rust
 * caller of gasket_enter() is above the setjmp, and every Rust libcall
 * returns a status instead of unwinding, so no destructor is skipped.
 *
 * The first word of the VM context is the current jump buffer (nested entries
 * save and restore it), the second the code of the trap being raised.
 */
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*gasket_trampoline)(void *vmctx, uint64_t *values);

/* The first two fields of the VM context (runtime/vmctx.rs). */
struct gasket_vmctx_head {
    void *jmp_buf;
    uint64_t trap_code;
};

int gasket_enter(gasket_trampoline trampoline, void *vmctx, uint64_t *values) {
    struct gasket_vmctx_head *head = (struct gasket_vmctx_head *)vmctx;
    void *volatile previous = head->jmp_buf;
    jmp_buf buffer;
    /* setjmp only where the C standard allows it: a controlling expression. */
    if (setjmp(buffer) == 0) {
        head->jmp_buf = (void *)&buffer;
        trampoline(vmctx, values);
        head->jmp_buf = previous;
        return 0;
    }
    head->jmp_buf = previous;
    return (int)head->trap_code;
}

void gasket_raise_trap(void *vmctx, uint32_t code) {
    struct gasket_vmctx_head *head = (struct gasket_vmctx_head *)vmctx;
    head->trap_code = code;
    longjmp(*(jmp_buf *)head->jmp_buf, 1);
}

/* Makes freshly written code visible to instruction fetch (aarch64). */
void gasket_flush_icache(void *start, size_t len) {
    __builtin___clear_cache((char *)start, (char *)start + len);
}
