//! The two migration folders cannot drift: every migration in
//! `migrations/sqlite` has its namesake in `migrations/postgres` with the same
//! files, and each SQLite file, after the substitutions between the two
//! dialects, reads word for word as its PostgreSQL twin (whitespace aside).

use std::collections::BTreeMap;
use std::path::Path;

/// SQLite's spelling and PostgreSQL's, replaced as whole words.
const SUBSTITUTIONS: [(&str, &str); 2] = [
    // The rowid alias on SQLite; a 64-bit sequence on PostgreSQL.
    ("id INTEGER PRIMARY KEY NOT NULL", "id BIGSERIAL PRIMARY KEY"),
    ("BLOB", "BYTEA"),
];

/// Migrations whose two dialects must be written differently, with why. For
/// these the two files must name the same codes (quoted lowercase words).
const WRITTEN_DIFFERENTLY: [(&str, &str); 1] = [(
    "2026-12-02-000001_need_status_check",
    "SQLite cannot add a CHECK to an existing table: two triggers there, a CHECK on PostgreSQL",
)];

/// The codes (single-quoted lowercase words) a file names outside its comments, sorted.
fn quoted(sql: &str) -> Vec<String> {
    let code: String = sql.lines().map(|line| line.split("--").next().unwrap_or("")).collect::<Vec<_>>().join("\n");
    let mut values: Vec<String> = code
        .split('\'')
        .skip(1)
        .step_by(2)
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_string)
        .collect();
    values.sort_unstable();
    values.dedup();
    values
}

/// Every file under `folder`, by its path below it.
fn files(folder: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(folder);
    let mut found = BTreeMap::new();
    for migration in std::fs::read_dir(&root).unwrap() {
        let migration = migration.unwrap().path();
        for file in std::fs::read_dir(&migration).unwrap() {
            let file = file.unwrap().path();
            let name = file.strip_prefix(&root).unwrap().display().to_string();
            found.insert(name, std::fs::read_to_string(&file).unwrap());
        }
    }
    found
}

fn normalised(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` with `from` replaced by `to` where it stands as whole words.
fn replace_words(text: &str, from: &str, to: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let whole = !word(before) && !word(rest[at + from.len()..].chars().next());
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

fn as_postgres(sqlite: &str) -> String {
    SUBSTITUTIONS.iter().fold(normalised(sqlite), |sql, (from, to)| replace_words(&sql, from, to))
}

#[test]
fn both_backends_have_the_same_migrations_with_the_same_files() {
    let (sqlite, postgres) = (files("sqlite"), files("postgres"));
    assert!(sqlite.len() > 10, "found the migrations: {:?}", sqlite.keys());
    assert_eq!(sqlite.keys().collect::<Vec<_>>(), postgres.keys().collect::<Vec<_>>());
}

#[test]
fn each_sqlite_migration_reads_as_its_postgres_twin_after_the_substitutions() {
    let postgres = files("postgres");
    let mut drifted = Vec::new();
    for (name, sqlite) in files("sqlite") {
        let Some(twin) = postgres.get(&name) else { continue };
        if WRITTEN_DIFFERENTLY.iter().any(|(migration, _)| name.starts_with(migration)) {
            if quoted(&sqlite) != quoted(twin) {
                drifted.push(format!("{name}: the two files name different values"));
            }
            continue;
        }
        let (expected, actual) = (as_postgres(&sqlite), normalised(twin));
        if expected != actual {
            let at = expected.chars().zip(actual.chars()).take_while(|(a, b)| a == b).count();
            let around = |s: &str| s.chars().skip(at.saturating_sub(60)).take(160).collect::<String>();
            drifted.push(format!(
                "{name}:\n  sqlite reads   …{}…\n  postgres reads …{}…",
                around(&expected),
                around(&actual)
            ));
        }
    }
    assert!(drifted.is_empty(), "the migrations drifted apart:\n{}", drifted.join("\n"));
}

#[test]
fn substitutions_replace_whole_words_only() {
    assert_eq!(replace_words("data BLOB, blobs BLOBS", "BLOB", "BYTEA"), "data BYTEA, blobs BLOBS");
    assert_eq!(
        as_postgres("CREATE TABLE t (\n    id INTEGER PRIMARY KEY NOT NULL,\n    user_id INTEGER NOT NULL\n);"),
        "CREATE TABLE t ( id BIGSERIAL PRIMARY KEY, user_id INTEGER NOT NULL );"
    );
    assert_eq!(as_postgres("year INTEGER PRIMARY KEY NOT NULL"), "year INTEGER PRIMARY KEY NOT NULL");
    assert_eq!(
        quoted("-- the lifecycle's codes\nWHEN s NOT IN ('open', 'draft') RAISE(ABORT, 'Failed')"),
        ["draft", "open"]
    );
}
