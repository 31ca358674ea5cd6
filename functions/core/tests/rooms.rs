//! The rooms of `gatehouse-core` form a one-way stack (see `src/lib.rs`):
//! a room may use the rooms below it, never one above. This test reads the
//! sources, builds the graph of which room's code names which other room
//! (`crate::room::…`, `crate::{room::…}`, a root re-export such as
//! `crate::Error`, and `super::` paths that leave a room) and fails on any
//! cycle, naming the rooms and where each step of it is written.
//!
//! Modules inside one room may not form cycles either, so each room reads
//! from its lower modules up.
//!
//! Test code (`#[cfg(test)]` items) is left out: tests may use the demo
//! fixtures, as a dev-dependency may.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Nodes that reach each other, and one way round them.
#[derive(Debug, PartialEq)]
struct Cycle {
    group: Vec<String>,
    path: Vec<String>,
}

/// One use of another module: where it is written, for the failure message.
#[derive(Debug, Clone)]
struct Use {
    file: String,
    line: usize,
    path: String,
}

/// Module paths (`["school", "portal"]`) to the uses they make, by the
/// module each use reaches (`["store", "links"]`).
type Graph = BTreeMap<Vec<String>, BTreeMap<Vec<String>, Use>>;

#[test]
fn rooms_form_no_cycle() {
    let graph = module_graph(&source_dir());
    let mut rooms: BTreeMap<String, BTreeMap<String, Use>> = BTreeMap::new();
    for (from, uses) in &graph {
        let entry = rooms.entry(from[0].clone()).or_default();
        for (to, at) in uses {
            if to[0] != from[0] {
                entry.entry(to[0].clone()).or_insert_with(|| at.clone());
            }
        }
    }
    let cycles = cycles(&rooms);
    assert!(cycles.is_empty(), "the rooms of gatehouse-core form a cycle:\n{}", describe(&cycles, &rooms));
}

#[test]
fn modules_in_a_room_form_no_cycle() {
    let graph = module_graph(&source_dir());
    let mut modules: BTreeMap<String, BTreeMap<String, Use>> = BTreeMap::new();
    for (from, uses) in &graph {
        let entry = modules.entry(module_name(from)).or_default();
        for (to, at) in uses {
            if to[0] == from[0] && to.len() > 1 && from.len() > 1 && to[1] != from[1] {
                entry.entry(module_name(&to[..2])).or_insert_with(|| at.clone());
            }
        }
    }
    let cycles = cycles(&modules);
    assert!(cycles.is_empty(), "modules inside a room form a cycle:\n{}", describe(&cycles, &modules));
}

#[test]
fn the_checker_sees_a_room_cycle() {
    // The checker's own check: two rooms naming each other, by a room path
    // and by a root re-export, make a cycle it reports.
    let root = std::env::temp_dir().join(format!("gatehouse-rooms-{}", std::process::id()));
    let write = |path: &str, text: &str| {
        let file = root.join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
    };
    write("lib.rs", "pub mod low;\npub mod high;\npub use low::{Thing, error::Error};\n");
    write("low/mod.rs", "pub mod error;\npub struct Thing;\n");
    write("low/error.rs", "// crate::high in a comment does not count\nuse crate::high::portal::Page;\n");
    write("high/mod.rs", "pub mod portal;\n");
    write(
        "high/portal.rs",
        "use crate::{Error, Thing};\npub struct Page;\n#[cfg(test)]\nmod tests { use crate::low; }\n",
    );
    let graph = module_graph(&root);
    fs::remove_dir_all(&root).unwrap();
    let mut rooms: BTreeMap<String, BTreeMap<String, Use>> = BTreeMap::new();
    for (from, uses) in &graph {
        for (to, at) in uses {
            if to[0] != from[0] {
                rooms.entry(from[0].clone()).or_default().insert(to[0].clone(), at.clone());
            }
        }
    }
    let found = cycles(&rooms);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].path, ["high", "low"]);
}

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn module_name(path: &[String]) -> String {
    path.join("::")
}

/// Every module's uses of other modules, from the sources under `src`.
fn module_graph(src: &Path) -> Graph {
    let reexports = root_reexports(&code_of(&fs::read_to_string(src.join("lib.rs")).unwrap()));
    let mut graph = Graph::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).unwrap().with_extension("");
        let mut module: Vec<String> =
            relative.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
        if module.last().is_some_and(|last| last == "mod") {
            module.pop();
        }
        if module == ["lib"] {
            continue;
        }
        let text = code_of(&fs::read_to_string(&file).unwrap());
        let text = without_test_items(&text);
        let name = relative.display().to_string();
        let uses = graph.entry(module.clone()).or_default();
        for (line, path) in paths_in(&text) {
            let Some(target) = resolve(&module, &path, &reexports) else { continue };
            if target != module {
                uses.entry(target).or_insert(Use { file: format!("{name}.rs"), line, path });
            }
        }
    }
    graph
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The source with comments, strings and character literals blanked out
/// (newlines kept, so line numbers hold).
fn code_of(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            while i < chars.len() && !chars[i..].starts_with(&['*', '/']) {
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str("  ");
            i += 2;
        } else if chars[i] == 'r'
            && matches!(rest.get(1), Some('"') | Some('#'))
            && !ident_char(chars.get(i.wrapping_sub(1)))
        {
            let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
            let end: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            i += 2 + hashes;
            out.push_str(&" ".repeat(2 + hashes));
            while i < chars.len() && !chars[i..].starts_with(&end) {
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push_str(&" ".repeat(end.len()));
            i += end.len();
        } else if chars[i] == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push(' ');
            i += 1;
        } else if chars[i] == '\'' && (rest.get(2) == Some(&'\'') || rest.get(1) == Some(&'\\')) {
            // A character literal; a lifetime (`'a`) has no closing quote.
            let close = rest.iter().skip(2).position(|c| *c == '\'').map_or(rest.len(), |at| at + 3);
            out.push_str(&" ".repeat(close));
            i += close;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// `code` without the items under `#[cfg(test)]`.
fn without_test_items(code: &str) -> String {
    let mut out = code.to_owned();
    let mut from = 0;
    while let Some(at) = out[from..].find("#[cfg(test)]").map(|at| at + from) {
        let bytes = out.as_bytes();
        let mut end = at;
        let mut depth = 0usize;
        while end < bytes.len() {
            match bytes[end] {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        end += 1;
                        break;
                    }
                }
                b';' if depth == 0 => {
                    end += 1;
                    break;
                }
                _ => {}
            }
            end += 1;
        }
        let blanked: String = out[at..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
        out.replace_range(at..end, &blanked);
        from = end;
    }
    out
}

/// The names `lib.rs` re-exports at the crate root, to the path each
/// stands for: `pub use base::{Error, ports};` maps `Error` to
/// `base::Error` and `ports` to `base::ports`.
fn root_reexports(lib: &str) -> BTreeMap<String, Vec<String>> {
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(start) = statement.find("pub use ") else { continue };
        for item in items_of(&statement[start + "pub use ".len()..]) {
            let (path, name) = match item.split_once(" as ") {
                Some((path, name)) => (path.trim().to_owned(), name.trim().to_owned()),
                None => (item.trim().to_owned(), item.rsplit("::").next().unwrap().trim().to_owned()),
            };
            names.insert(name, path.split("::").map(|s| s.trim().to_owned()).collect());
        }
    }
    names
}

/// The paths a `use` tree names, one per leaf: `a::{b, c::{d}}` gives
/// `a::b` and `a::c::d`.
fn items_of(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else { return vec![tree.to_owned()] };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (at, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .flat_map(|part| items_of(part).into_iter().map(|leaf| format!("{prefix}{leaf}")))
        .collect()
}

/// Each `crate::…` and `super::…` path in `code`, with its line, `use`
/// trees expanded to their leaves.
fn paths_in(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start).map(|at| at + from) {
            from = at + start.len();
            if ident_char(code[..at].chars().last().as_ref()) || code[..at].ends_with("::") {
                continue;
            }
            let mut end = at;
            let mut depth = 0;
            for c in code[at..].chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth > 0 => depth -= 1,
                    _ if depth > 0 || c.is_alphanumeric() || c == '_' || c == ':' => {}
                    _ => break,
                }
                end += c.len_utf8();
                if c == '}' && depth == 0 {
                    break;
                }
            }
            let line = code[..at].matches('\n').count() + 1;
            let tree = code[at..end].split_whitespace().collect::<Vec<_>>().join(" ");
            found.extend(items_of(&tree).into_iter().map(|path| (line, path)));
        }
    }
    found
}

/// The module a path reaches, as far as rooms and their modules go
/// (`["store", "links"]`, or just `["base"]` for `crate::Error`), or `None`
/// for a path that stays at the root.
fn resolve(module: &[String], path: &str, reexports: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    let path = path.split(" as ").next().unwrap();
    let mut segments: Vec<&str> = path.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
    let mut target: Vec<String> = Vec::new();
    if segments.first() == Some(&"crate") {
        segments.remove(0);
    } else {
        // `super` in `room/x.rs` is `room`; in `room/mod.rs`, the root.
        target = module.to_vec();
        while segments.first() == Some(&"super") {
            segments.remove(0);
            target.pop();
        }
    }
    if target.is_empty() {
        let first = segments.first()?;
        if let Some(reexported) = reexports.get(*first) {
            segments.remove(0);
            let mut path: Vec<&str> = reexported.iter().map(String::as_str).collect();
            path.extend(segments);
            segments = path;
        }
    }
    for segment in segments {
        let is_module = segment.chars().next().is_some_and(|c| c.is_lowercase()) && segment != "self";
        if target.len() == 2 || !is_module {
            break;
        }
        target.push(segment.to_owned());
    }
    (!target.is_empty()).then_some(target)
}

/// The groups of nodes in `graph` that reach each other (two or more), each
/// with one cycle through its smallest node, in the order the uses run.
fn cycles(graph: &BTreeMap<String, BTreeMap<String, Use>>) -> Vec<Cycle> {
    let nodes: BTreeSet<&String> = graph.keys().chain(graph.values().flat_map(|uses| uses.keys())).collect();
    let reaches = |from: &String, to: &String| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            for next in graph.get(node).into_iter().flat_map(|uses| uses.keys()) {
                if next == to {
                    return true;
                }
                if seen.insert(next) {
                    stack.push(next);
                }
            }
        }
        false
    };
    let mut grouped: BTreeSet<&String> = BTreeSet::new();
    let mut found = Vec::new();
    for node in &nodes {
        if grouped.contains(node) || !reaches(node, node) {
            continue;
        }
        let group: BTreeSet<&String> =
            nodes.iter().copied().filter(|other| reaches(node, other) && reaches(other, node)).collect();
        grouped.extend(group.iter().copied());
        let path = path_through(graph, node, &group);
        found.push(Cycle { group: group.into_iter().cloned().collect(), path });
    }
    found
}

/// One cycle from `start` back to it inside `group`: the shortest, found
/// breadth first.
fn path_through(
    graph: &BTreeMap<String, BTreeMap<String, Use>>,
    start: &String,
    group: &BTreeSet<&String>,
) -> Vec<String> {
    let mut came_from: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(node).into_iter().flat_map(|uses| uses.keys()) {
            if !group.contains(next) {
                continue;
            }
            if next == start {
                let mut path = vec![node.clone()];
                let mut at = node;
                while at != start {
                    at = came_from[at];
                    path.push(at.clone());
                }
                path.reverse();
                return path;
            }
            if !came_from.contains_key(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    vec![start.clone()]
}

fn describe(cycles: &[Cycle], graph: &BTreeMap<String, BTreeMap<String, Use>>) -> String {
    let mut text = String::new();
    for Cycle { group, path } in cycles {
        text.push_str(&format!("  {} -> {} (all of: {})\n", path.join(" -> "), path[0], group.join(", ")));
        for (at, from) in path.iter().enumerate() {
            let to = &path[(at + 1) % path.len()];
            let step = &graph[from][to];
            text.push_str(&format!("    {from} -> {to}: {}:{} uses {}\n", step.file, step.line, step.path));
        }
    }
    text
}
