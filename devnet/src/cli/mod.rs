//! Command-line parsing (clap) and dispatch: every command becomes an
//! [`Request`] answered by a local [`Node`] over `--home`, or by a
//! running `gasket serve` with `--rpc URL`.
//!
//! Output: `--json` prints exactly one JSON object on stdout (an
//! `{"error": ...}` object on failure, bad arguments included); otherwise
//! human text. Warnings (a compiled-code cache directory that cannot be
//! used) go to stderr, in either mode. Exit codes: 0 success (and
//! `--help`, `--version`), 1 an error (message on stderr; bad arguments
//! too), 2 a transaction, view or run that did not succeed (reverted or
//! trapped; its receipt is printed).
//! A reader that closes stdout early (`gasket state X | head -1`) only cuts
//! the output short: see [`emit`].

mod demo;
mod human;

use std::io::{ErrorKind, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use gasket_devnet::rpc::api::{Node, NodeError, Request};
use gasket_devnet::rpc::{client, server};
use serde_json::{Value, json};

/// `println!` through [`emit`]: a closed stdout is not a panic.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::emit(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// The Gasket devnet: a local chain for Gasket contracts, and tools.
#[derive(Debug, Parser)]
#[command(name = "gasket", version, about)]
struct Cli {
    /// Chain home directory (default: $GASKET_HOME, else ./.gasket).
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Send the command to a running `gasket serve` (http://127.0.0.1:PORT).
    #[arg(long, global = true, value_name = "URL")]
    rpc: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A fresh chain: genesis block and dev accounts alice, bob, carol, dave.
    Init {
        /// Replace an existing chain in the home.
        #[arg(long)]
        force: bool,
    },
    /// The dev accounts, their addresses and nonces.
    Accounts,
    /// Deploy a contract (.wasm or .wat) and run its `init`.
    Deploy {
        /// The module.
        file: PathBuf,
        /// Sender (a dev account name or address; default alice).
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        input: Input,
    },
    /// A transaction calling METHOD of a contract, in a new block.
    Call {
        /// Contract address (64 hex digits).
        contract: String,
        /// Method name.
        method: String,
        /// Sender (default alice).
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        input: Input,
    },
    /// A read-only call: no block, nothing written.
    View {
        /// Contract address.
        contract: String,
        /// Method name.
        method: String,
        #[command(flatten)]
        input: Input,
    },
    /// A contract's storage (all entries, or one key).
    State {
        /// Contract address.
        contract: String,
        /// One key, hex.
        #[arg(long)]
        key: Option<String>,
    },
    /// A block (default: the head).
    Block {
        /// Height.
        height: Option<u64>,
    },
    /// A transaction and its receipt.
    Tx {
        /// Transaction hash (64 hex digits).
        hash: String,
    },
    /// Run one export of any module outside a chain. A module without
    /// imports takes typed i32/i64 arguments (`--args "1 2"`); a contract
    /// takes JSON `--args` (or `--args-hex`) over empty in-memory storage.
    Run {
        /// The module (.wasm or .wat).
        file: PathBuf,
        /// The export to call.
        #[arg(long)]
        invoke: String,
        #[command(flatten)]
        input: Input,
    },
    /// Re-execute every block on a scratch chain and check each receipt,
    /// each header and the state root.
    Verify,
    /// Validation report of a module: would it deploy, and why not.
    Inspect {
        /// The module (.wasm or .wat).
        file: PathBuf,
    },
    /// JSON-RPC 2.0 over HTTP on 127.0.0.1.
    Serve {
        /// Port (0: any free port).
        #[arg(long, default_value_t = 8545)]
        port: u16,
    },
    /// Build the example contracts, start a fresh devnet, deploy token and
    /// escrow, make transfers and print the receipts with gas.
    Demo {
        /// The contracts workspace (default: the one of this source tree).
        #[arg(long, value_name = "DIR")]
        contracts: Option<PathBuf>,
    },
}

/// The input and gas of deploy, call and view.
#[derive(Debug, clap::Args)]
struct Input {
    /// Arguments as JSON, encoded through the contract's gasket.abi.
    #[arg(long, allow_hyphen_values = true)]
    args: Option<String>,
    /// Raw input bytes, hex.
    #[arg(long)]
    args_hex: Option<String>,
    /// Gas limit (default 10^8).
    #[arg(long)]
    gas: Option<u64>,
}

/// The home: `--home`, else `$GASKET_HOME`, else `./.gasket`.
fn home(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("GASKET_HOME").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(".gasket"))
}

/// Modules at least this big announce their (slow) preparation on a terminal.
const BIG_MODULE: usize = 1 << 20;

fn read_module(path: &Path, json: bool) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() >= BIG_MODULE && show_progress(json) {
        eprintln!(
            "{}: {} bytes; validating, instrumenting and compiling…",
            path.display(),
            bytes.len()
        );
    }
    let wasm = gasket_devnet::tools::module_bytes(&path.display().to_string(), bytes)?;
    Ok(gasket_devnet::chain::abi::to_hex(&wasm))
}

fn json_args(args: Option<String>) -> Result<Option<Value>> {
    args.map(|text| {
        serde_json::from_str(&text).with_context(|| format!("--args is not valid JSON: {text}"))
    })
    .transpose()
}

/// The request of a chain command; `None` for serve and demo.
fn request(command: Command, json: bool) -> Result<Option<Request>> {
    Ok(Some(match command {
        Command::Init { force } => Request::Init { force },
        Command::Accounts => Request::Accounts {},
        Command::Deploy { file, from, input } => Request::Deploy {
            code_hex: read_module(&file, json)?,
            from,
            args: json_args(input.args)?,
            args_hex: input.args_hex,
            gas: input.gas,
        },
        Command::Call {
            contract,
            method,
            from,
            input,
        } => Request::Call {
            contract,
            method,
            from,
            args: json_args(input.args)?,
            args_hex: input.args_hex,
            gas: input.gas,
        },
        Command::View {
            contract,
            method,
            input,
        } => Request::View {
            contract,
            method,
            args: json_args(input.args)?,
            args_hex: input.args_hex,
            gas: input.gas,
        },
        Command::State { contract, key } => Request::State { contract, key },
        Command::Block { height } => Request::Block { height },
        Command::Tx { hash } => Request::Tx { hash },
        Command::Run {
            file,
            invoke,
            input,
        } => Request::Run {
            code_hex: read_module(&file, json)?,
            invoke,
            args: input.args,
            args_hex: input.args_hex,
            gas: input.gas,
        },
        Command::Verify => Request::Verify {},
        Command::Inspect { file } => Request::Inspect {
            code_hex: read_module(&file, json)?,
        },
        Command::Serve { .. } | Command::Demo { .. } => return Ok(None),
    }))
}

/// Whether the command's object reports a failed transaction, view or run.
fn failed(value: &Value) -> bool {
    value
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|s| s != "success")
        || value.get("valid") == Some(&Value::Bool(false))
}

/// A failure to print: its message and, for `--json`, its object.
struct Failure {
    message: String,
    object: Value,
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        let message = format!("{e:#}");
        match e.downcast_ref::<NodeError>() {
            Some(node) => Failure {
                message,
                object: node.to_json(),
            },
            None => Failure {
                object: json!({"error": {"message": message}}),
                message,
            },
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let json = cli.json;
    let home = home(cli.home);
    let command = cli.command;
    match command {
        Command::Serve { port } => {
            if cli.rpc.is_some() {
                return Err(anyhow::anyhow!("serve does not take --rpc").into());
            }
            let mut node = Node::new(home.clone());
            node.chain().map_err(anyhow::Error::from)?;
            warn_about_cache(&node);
            server::serve(&mut node, port, |address| {
                let url = format!("http://{address}");
                let banner = if json {
                    outln!(
                        "{}",
                        json!({"listening": url, "home": home.display().to_string()})
                    )
                } else {
                    outln!(
                        "gasket serve: JSON-RPC 2.0 on {url} (home {})",
                        home.display()
                    )
                };
                // The server serves whether or not its banner can be written.
                if let Err(e) = banner {
                    eprintln!("warning: {e:#}");
                }
            })
            .map_err(|e| anyhow::anyhow!(e))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { contracts } => {
            let summary = demo::run(contracts, json)?;
            if json {
                outln!("{summary}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        command => {
            let name = format!("{command:?}")
                .split([' ', '{'])
                .next()
                .unwrap_or("")
                .to_lowercase();
            let request = request(command, json)?.expect("chain commands have requests");
            let value = match &cli.rpc {
                Some(url) => client::call(url, &request).map_err(|e| match e {
                    client::ClientError::Remote { message, data } => Failure {
                        message,
                        object: data,
                    },
                    other => anyhow::Error::from(other).into(),
                })?,
                None => {
                    let mut node = Node::new(home);
                    let value = node.handle(request);
                    warn_about_cache(&node);
                    value.map_err(anyhow::Error::from)?
                }
            };
            if json {
                outln!("{value}")?;
            } else {
                emit(&human::render(&name, &value))?;
            }
            Ok(if failed(&value) {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Parses the command line, runs the command, prints and exits.
pub fn main() -> ExitCode {
    let (json, result) = match Cli::try_parse() {
        Ok(cli) => (cli.json, run(cli)),
        Err(e) => return usage_error(e),
    };
    match result {
        Ok(code) => code,
        Err(failure) => fail(json, failure),
    }
}

/// Prints a failure (its object with `--json`, its message on stderr).
fn fail(json: bool, failure: Failure) -> ExitCode {
    if json {
        // Already failing: a stdout that cannot take the object changes
        // nothing.
        let _ = outln!("{}", failure.object);
    }
    eprintln!("error: {}", failure.message);
    ExitCode::FAILURE
}

/// Help and version as clap prints them (exit 0); bad arguments are an
/// error like any other (exit 1, the JSON error object with `--json`).
fn usage_error(e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    // The command line did not parse, so look for --json by hand (before a
    // `--`, after which words are not options).
    let json = std::env::args_os()
        .skip(1)
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json");
    if json {
        // clap's first paragraph, without the usage that follows it.
        let rendered = e.render().to_string();
        let paragraph: Vec<&str> = rendered
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect();
        let message = paragraph.join(" ");
        let message = message.strip_prefix("error: ").unwrap_or(&message);
        let _ = outln!("{}", json!({"error": {"message": message}}));
    }
    let _ = e.print();
    ExitCode::FAILURE
}

/// Writes `text` to stdout. A reader that closed the pipe early
/// (`gasket state X | head -1`) has what it wanted, and every change to the
/// chain is committed before anything is printed: the rest of the output
/// is dropped, without a panic or another exit code.
pub fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(e).context("cannot write to stdout"),
        _ => Ok(()),
    }
}

/// Prints the compiled-code cache's first disk failure on stderr, once
/// (as geth or anvil log a warning; stdout keeps only the output, so
/// `--json` stays one object).
pub fn warn_about_cache(node: &Node) {
    if let Some(warning) = node.cache_warning() {
        eprintln!("warning: {warning}");
    }
}

/// Whether progress may be drawn (stderr is a terminal and not `--json`).
pub fn show_progress(json: bool) -> bool {
    !json && std::io::stderr().is_terminal()
}

/// Fails with a message (for the demo's checks).
pub fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<()> {
    if !condition {
        bail!(message());
    }
    Ok(())
}
