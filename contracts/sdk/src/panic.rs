//! The panic handler (feature `panic-handler`): revert with
//! `"panic: <message>"`.
//!
//! The message is formatted into a 128-byte stack buffer, truncated at a
//! character boundary, so a panic needs no allocator. The source location is
//! left out: it would put file paths into the revert reason.

#[cfg(all(feature = "panic-handler", target_arch = "wasm32", not(test)))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    use core::fmt::Write;

    struct Buf {
        bytes: [u8; 128],
        len: usize,
    }

    impl Write for Buf {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let room = self.bytes.len() - self.len;
            let mut n = s.len().min(room);
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            if let (Some(dst), Some(src)) = (
                self.bytes.get_mut(self.len..self.len + n),
                s.as_bytes().get(..n),
            ) {
                dst.copy_from_slice(src);
                self.len += n;
            }
            Ok(())
        }
    }

    let mut buf = Buf {
        bytes: [0; 128],
        len: 0,
    };
    let msg = info.message();
    let _ = match msg.as_str() {
        // A literal message: no formatting machinery needed.
        Some(s) => buf.write_str("panic: ").and_then(|_| buf.write_str(s)),
        None => write!(buf, "panic: {msg}"),
    };
    crate::revert_bytes(&buf.bytes[..buf.len])
}
