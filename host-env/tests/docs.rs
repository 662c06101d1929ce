//! `docs/HOST_GAS.md` is generated from the host function table.

use std::path::Path;

#[test]
fn the_gas_table_in_the_docs_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/HOST_GAS.md");
    let expected = gasket_metering::host_gas_table(&gasket_metering::Config::default());
    if std::env::var_os("GASKET_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &expected).unwrap();
    }
    let found = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        found == expected,
        "{} is out of date: run GASKET_BLESS=1 cargo test -p gasket-host-env --test docs",
        path.display()
    );
}
