//! Operator visitors, one file per opcode family. Each `visit` returns
//! `Ok(false)` for operators of other families.

pub(crate) mod call;
pub(crate) mod control;
pub(crate) mod global;
pub(crate) mod memory;
pub(crate) mod numeric;
