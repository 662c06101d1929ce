//! Commands as data ([`api`]), and JSON-RPC 2.0 over HTTP on 127.0.0.1:
//! the server ([`server`], `gasket serve`) and a minimal client
//! ([`client`], `--rpc URL`).
//!
//! Each command is a method of the same name whose `params` are the
//! fields of its [`api::Request`] variant; the result is the JSON object the
//! command prints with `--json`. Errors are JSON-RPC errors: `-32700` parse
//! error, `-32600` invalid request, `-32602` invalid params (an unknown
//! method included: methods and params are one tagged type), `-32000` a
//! failed command, with `data` the `{"error": ...}` object of `--json`.

pub mod api;
pub mod client;
pub mod server;
