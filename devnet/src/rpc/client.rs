//! A minimal JSON-RPC 2.0 client over HTTP/1.1 on a plain `TcpStream`.
//!
//! The server only listens on 127.0.0.1 without TLS, so a full HTTP client
//! crate (and its TLS stack) would be dead weight: this sends one POST with
//! `Connection: close` and reads the response to the end.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::{Value, json};

use crate::rpc::api::Request;

/// A failed RPC.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The URL is not `http://HOST:PORT[/path]`.
    #[error("bad --rpc URL {0:?}: expected http://127.0.0.1:PORT")]
    Url(String),
    /// Network failure.
    #[error("cannot reach {url}: {source}")]
    Io {
        /// The server.
        url: String,
        /// What failed.
        source: std::io::Error,
    },
    /// Not a JSON-RPC response.
    #[error("bad response from {url}: {what}")]
    Response {
        /// The server.
        url: String,
        /// What is wrong.
        what: String,
    },
    /// The server answered with an error.
    #[error("{message}")]
    Remote {
        /// Its message.
        message: String,
        /// Its `data`: the `{"error": ...}` object.
        data: Value,
    },
}

/// Sends `request` to the server at `url`; the command's JSON object.
pub fn call(url: &str, request: &Request) -> Result<Value, ClientError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| ClientError::Url(url.into()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(ClientError::Url(url.into()));
    }
    let mut envelope = serde_json::to_value(request).expect("requests serialize");
    envelope["jsonrpc"] = json!("2.0");
    envelope["id"] = json!(1);
    let body = envelope.to_string();
    let io = |source| ClientError::Io {
        url: url.into(),
        source,
    };
    let mut stream = TcpStream::connect(authority).map_err(io)?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(io)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).map_err(io)?;
    let bad = |what: &str| ClientError::Response {
        url: url.into(),
        what: what.into(),
    };
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8_lossy(&response[..split]);
    if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
        return Err(bad(head.lines().next().unwrap_or("")));
    }
    let mut payload = &response[split + 4..];
    // tiny_http sends a Content-Length for string bodies; honour it.
    if let Some(len) = head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse::<usize>().ok())?
    }) {
        payload = payload.get(..len).ok_or_else(|| bad("short body"))?;
    }
    let reply: Value = serde_json::from_slice(payload).map_err(|e| bad(&e.to_string()))?;
    if let Some(error) = reply.get("error") {
        return Err(ClientError::Remote {
            message: error["message"].as_str().unwrap_or("error").to_string(),
            data: error.get("data").cloned().unwrap_or(Value::Null),
        });
    }
    reply
        .get("result")
        .cloned()
        .ok_or_else(|| bad("neither result nor error"))
}
