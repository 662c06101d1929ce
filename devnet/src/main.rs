//! `gasket`: the Gasket devnet and contract tools. See `devnet/README.md`.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
