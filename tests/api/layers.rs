//! The layers of the crate (ARCHITECTURE.md, "Layers"), checked on the source
//! itself: every file under `src/` is parsed, every path it names is resolved
//! to the crate's module it points at (through grouped and renamed imports,
//! `super`, full paths in expressions, types, macros and attribute strings),
//! and a lower file that names an upper module fails the test with its name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// The faces: what no lower file may name.
const FACES: [&str; 6] = ["web", "handlers", "auth", "state", "error", "router"];
/// The face's types, whatever path reaches them.
const FACE_TYPES: [&str; 3] = ["AppState", "AppError", "AppResult"];

/// The module a file is, from its place under `src/` (`models/user.rs` is
/// `models::user`, `jobs/mod.rs` is `jobs`, `lib.rs` the crate root).
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

fn is_lower(module: &[String]) -> bool {
    match module.first().map(String::as_str) {
        Some("domain" | "models" | "actions") => true,
        Some("db" | "schema" | "notify") => module.len() == 1,
        Some("jobs") => module.get(1).is_some_and(|m| m == "queue"),
        _ => false,
    }
}

/// Why `module` may not name `target` (a path resolved from the crate root), if it may not.
fn offence(module: &[String], target: &[String], domain_macros: &BTreeSet<String>) -> Option<&'static str> {
    let head = target.first().map(String::as_str).unwrap_or("");
    if !is_lower(module) {
        return None;
    }
    if target.iter().any(|s| FACE_TYPES.contains(&s.as_str())) {
        return Some("a face's type");
    }
    if FACES.contains(&head) {
        return Some("a face");
    }
    let area = module[0].as_str();
    if area == "domain" && head != "domain" && !(target.len() == 1 && domain_macros.contains(head)) {
        return Some("outside domain");
    }
    if area != "actions" && head == "actions" {
        return Some("the actions above it");
    }
    if area != "actions" && head == "jobs" && target.get(1).is_none_or(|m| m != "queue") {
        return Some("the worker");
    }
    None
}

/// Every path a file names, resolved from the crate root (other paths are
/// kept only when they hold a face's type), with the name to show for it.
struct Names {
    /// The module being read: the file's, plus any inline `mod` around the cursor.
    module: Vec<String>,
    found: BTreeSet<(Vec<String>, String)>,
}

impl Names {
    fn of(file: &syn::File, module: Vec<String>) -> Names {
        let mut names = Names { module, found: BTreeSet::new() };
        names.visit_file(file);
        names
    }

    /// Resolves `crate::`, `$crate::`, `self::` and `super::` against the current module.
    fn add(&mut self, segments: Vec<String>) {
        let Some(first) = segments.first() else { return };
        let resolved = match first.as_str() {
            "crate" | "$crate" => segments[1..].to_vec(),
            "self" => [self.module.clone(), segments[1..].to_vec()].concat(),
            "super" => {
                let ups = segments.iter().take_while(|s| *s == "super").count();
                let base = self.module[..self.module.len().saturating_sub(ups)].to_vec();
                [base, segments[ups..].to_vec()].concat()
            }
            _ if segments.iter().any(|s| FACE_TYPES.contains(&s.as_str())) => {
                let shown = segments.join("::");
                self.found.insert((segments, shown));
                return;
            }
            _ => return,
        };
        if !resolved.is_empty() {
            let shown = format!("crate::{}", resolved.join("::"));
            self.found.insert((resolved, shown));
        }
    }

    fn add_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.add_use_leaf(prefix, n.ident.to_string()),
            syn::UseTree::Rename(r) => self.add_use_leaf(prefix, r.ident.to_string()),
            syn::UseTree::Glob(_) => self.add(prefix.clone()),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.add_use(prefix, t)),
        }
    }

    fn add_use_leaf(&mut self, prefix: &[String], name: String) {
        // `use crate::web::{self}` names `crate::web`.
        let path = if name == "self" { prefix.to_vec() } else { [prefix, &[name]].concat() };
        self.add(path);
    }

    /// Paths inside the tokens of a macro call or an attribute: `crate::a::b`
    /// sequences, and string literals that parse as a path (`deserialize_with = "crate::x"`).
    fn add_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(g) => self.add_tokens(g.stream()),
                TokenTree::Literal(lit) => {
                    if let Ok(syn::Lit::Str(text)) = syn::parse_str::<syn::Lit>(&lit.to_string())
                        && let Ok(path) = syn::parse_str::<syn::Path>(&text.value())
                    {
                        self.add(path.segments.iter().map(|s| s.ident.to_string()).collect());
                    }
                }
                TokenTree::Ident(ident) => {
                    let mut path = vec![ident.to_string()];
                    let mut j = i + 1;
                    while let (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)), Some(TokenTree::Ident(next))) =
                        (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        path.push(next.to_string());
                        j += 3;
                    }
                    let dollar = i > 0 && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    if dollar && path[0] == "crate" {
                        path[0] = "$crate".into();
                    }
                    self.add(path);
                    i = j;
                    continue;
                }
                TokenTree::Punct(_) => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut prefix = Vec::new();
        if item.leading_colon.is_none() {
            self.add_use(&mut prefix, &item.tree);
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.add(path.segments.iter().map(|s| s.ident.to_string()).collect());
        visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.add_tokens(mac.tokens.clone());
        visit::visit_macro(self, mac);
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        if let syn::Meta::List(list) = &attr.meta {
            self.add_tokens(list.tokens.clone());
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && !attr.path().is_ident("doc")
        {
            self.visit_expr(&nv.value);
            if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &nv.value
                && let Ok(path) = syn::parse_str::<syn::Path>(&text.value())
            {
                self.add(path.segments.iter().map(|s| s.ident.to_string()).collect());
            }
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.module.push(item.ident.to_string());
        visit::visit_item_mod(self, item);
        self.module.pop();
    }
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("a directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// Macros a domain file exports at the crate root (`crate::stored_as_text!`).
fn domain_macros(files: &[(String, syn::File)]) -> BTreeSet<String> {
    let exported = |item: &syn::Item| match item {
        syn::Item::Macro(m) if m.attrs.iter().any(|a| a.path().is_ident("macro_export")) => {
            m.ident.as_ref().map(|i| i.to_string())
        }
        _ => None,
    };
    files
        .iter()
        .filter(|(name, _)| name.starts_with("src/domain/"))
        .flat_map(|(_, f)| f.items.iter().filter_map(exported))
        .collect()
}

/// Every `file: path (why)` that breaks a layer rule.
fn offences(root: &Path) -> Vec<(String, String, &'static str)> {
    let src = root.join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    // main.rs is the binary: its `crate` is another crate.
    paths.retain(|p| p != &src.join("main.rs"));
    let files: Vec<(String, syn::File)> = paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).expect("a source file is readable");
            let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", p.display()));
            (p.strip_prefix(root).expect("under the root").to_string_lossy().into_owned(), file)
        })
        .collect();
    let macros = domain_macros(&files);
    let mut found = Vec::new();
    for ((name, file), path) in files.iter().zip(&paths) {
        let module = module_of(path.strip_prefix(&src).expect("under src"));
        let names = Names::of(file, module.clone());
        for (target, shown) in &names.found {
            if let Some(why) = offence(&module, target, &macros) {
                found.push((name.clone(), shown.clone(), why));
            }
        }
    }
    found
}

#[test]
fn lower_layers_name_no_face_and_domain_names_only_domain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = offences(root);
    let breaking: Vec<String> = found.iter().map(|(file, path, why)| format!("{file}: {path} ({why})")).collect();
    assert!(breaking.is_empty(), "lower files name what is above them:\n{}", breaking.join("\n"));
}

#[test]
fn the_reader_sees_grouped_imports_full_paths_macros_and_attribute_strings() {
    let source = r#"
        use crate::{db::DbConn, web::{self, Layout as L}, models::page::*};
        use super::sibling;
        #[derive(serde::Deserialize)]
        struct Filter { #[serde(deserialize_with = "crate::error::lenient")] page: Option<i64> }
        fn f(state: &AppState) {
            let _ = crate::handlers::home::home();
            tracing::info!("{}", crate::auth::COOKIE);
        }
        mod inner { use super::super::up; }
    "#;
    let file = syn::parse_file(source).expect("the sample parses");
    let names = Names::of(&file, vec!["models".into(), "user".into()]);
    let found: BTreeSet<String> = names.found.iter().map(|(p, _)| p.join("::")).collect();
    for expected in [
        "db::DbConn",
        "web",
        "web::Layout",
        "models::page",
        "models::sibling",
        "error::lenient",
        "AppState",
        "handlers::home::home",
        "auth::COOKIE",
        "models::up",
    ] {
        assert!(found.contains(expected), "{expected} not seen in {found:?}");
    }
}
