//! Handlers parse, call one action and render: no handler opens a
//! transaction or writes a row itself. Every change of state goes through
//! `src/actions/`, so the web pages, the jobs and the bank API change data
//! the same way.

use std::path::Path;

/// What only code that writes would call.
const WRITES: [&str; 8] = [
    "write_tx",
    "guarded(",
    "insert_into",
    "replace_into",
    "diesel::update",
    "diesel::delete",
    ".execute(",
    "batch_execute",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/handlers is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_handler_writes_to_the_database_itself() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/handlers"), &mut files);
    assert!(files.len() > 10, "the handlers were found");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a handler file is readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for write in WRITES {
                if code.contains(write) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "handlers that write themselves (move the write into an action):\n{}", found.join("\n"));
}
