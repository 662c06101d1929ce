//! `gasket serve`: JSON-RPC 2.0 over HTTP on 127.0.0.1, one request at a
//! time over one open chain (the server holds the home's lock).
//!
//! A transaction is acknowledged (its response sent) only after its block
//! is durably committed, so every acknowledged block survives a crash.

use serde_json::{Value, json};

use crate::rpc::api::{Node, Request};

/// Answers one JSON-RPC request body.
pub fn answer(node: &mut Node, body: &[u8]) -> Value {
    let error = |id: Value, code: i64, message: String, data: Option<Value>| {
        let mut e = json!({"code": code, "message": message});
        if let Some(data) = data {
            e["data"] = data;
        }
        json!({"jsonrpc": "2.0", "id": id, "error": e})
    };
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return error(Value::Null, -32700, format!("parse error: {e}"), None),
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let (Some(method), true) = (
        request.get("method").and_then(Value::as_str),
        request.get("jsonrpc") == Some(&json!("2.0")),
    ) else {
        return error(
            id,
            -32600,
            "invalid request: needs jsonrpc \"2.0\" and a method".into(),
            None,
        );
    };
    let params = request.get("params").cloned().unwrap_or_else(|| json!({}));
    let command: Request = match serde_json::from_value(json!({"method": method, "params": params}))
    {
        Ok(c) => c,
        Err(e) => return error(id, -32602, format!("invalid method or params: {e}"), None),
    };
    match node.handle(command) {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(e) => error(id, -32000, e.to_string(), Some(e.to_json())),
    }
}

/// Serves `node` on `127.0.0.1:port` (0: any free port) until the process
/// ends. `ready` gets the bound address before the first request.
pub fn serve(
    node: &mut Node,
    port: u16,
    ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), String> {
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = server
        .server_addr()
        .to_ip()
        .ok_or("the server has no IP address")?;
    ready(address);
    for mut request in server.incoming_requests() {
        let mut body = Vec::new();
        let reply = if *request.method() != tiny_http::Method::Post {
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32600, "message": "POST a JSON-RPC 2.0 request"}})
        } else if let Err(e) = std::io::Read::read_to_end(request.as_reader(), &mut body) {
            json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": format!("cannot read the body: {e}")}})
        } else {
            answer(node, &body)
        };
        // For the operator, on the server's stderr (the client gets its
        // answer either way).
        if let Some(warning) = node.cache_warning() {
            eprintln!("warning: {warning}");
        }
        let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], &b"application/json"[..])
            .expect("a valid header");
        let response = tiny_http::Response::from_string(reply.to_string()).with_header(header);
        // A client that went away is its own problem, not the server's.
        let _ = request.respond(response);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_rpc_errors_have_their_codes() {
        let home = tempfile::tempdir().unwrap();
        let mut node = Node::new(home.path().to_path_buf());
        let code = |reply: &Value| reply["error"]["code"].as_i64();
        assert_eq!(code(&answer(&mut node, b"{not json")), Some(-32700));
        assert_eq!(
            code(&answer(&mut node, br#"{"method":"block"}"#)),
            Some(-32600)
        );
        let reply = answer(&mut node, br#"{"jsonrpc":"2.0","id":7,"method":"mint"}"#);
        assert_eq!(code(&reply), Some(-32602));
        assert_eq!(reply["id"], 7);
        // No chain yet: a failed command, with the --json error object.
        let reply = answer(&mut node, br#"{"jsonrpc":"2.0","id":1,"method":"block"}"#);
        assert_eq!(code(&reply), Some(-32000));
        assert!(
            reply["error"]["data"]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("gasket init")
        );
        let reply = answer(&mut node, br#"{"jsonrpc":"2.0","id":2,"method":"init"}"#);
        assert_eq!(reply["result"]["genesis"]["height"], 0, "{reply}");
        let reply = answer(
            &mut node,
            br#"{"jsonrpc":"2.0","id":3,"method":"accounts"}"#,
        );
        assert_eq!(reply["result"]["accounts"][3]["name"], "dave", "{reply}");
        let reply = answer(
            &mut node,
            br#"{"jsonrpc":"2.0","id":4,"method":"block","params":{"height":0}}"#,
        );
        assert_eq!(reply["result"]["height"], 0, "{reply}");
    }
}
