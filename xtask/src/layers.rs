//! The layering of xtask's modules, held by a test: every file under
//! `src/` belongs to the layer of its top directory (`leaf`, `host`,
//! `source`, `tree`, `kernel`, `guest`, `checks`, `commands`, lowest
//! first), uses (through paths that start at the crate root) only modules
//! of its own layer or lower ones, and the modules of one layer use each
//! other without cycles. Unit tests (`#[cfg(test)]` items) may reach
//! anywhere. The test also holds that only `host/packages.rs` runs apt-get,
//! dpkg or `cargo install`, and that only `commands/` calls the functions
//! that install or fetch.

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::Path;

    /// The layers, lowest first: a file's layer is its top directory.
    const LAYERS: [&str; 8] = [
        "leaf", "host", "source", "tree", "kernel", "guest", "checks", "commands",
    ];

    /// Files at the top of `src/` that stand above every layer.
    const ROOT: [&str; 2] = ["main.rs", "layers.rs"];

    /// Programs that install, and `cargo install`'s subcommand: only
    /// host/packages.rs may name them.
    const INSTALLERS: [&str; 6] = [
        "apt-get",
        "apt",
        "dpkg",
        "dpkg-query",
        "dpkg-deb",
        "install",
    ];

    /// The file that installs and fetches.
    const PACKAGES: &str = "host/packages.rs";

    /// Every `.rs` file below `dir`, by its `/`-separated path relative to it.
    fn sources(dir: &Path) -> BTreeMap<String, String> {
        fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
            for entry in fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let rel = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}/{name}")
                };
                if path.is_dir() {
                    walk(&path, &rel, out);
                } else if rel.ends_with(".rs") {
                    out.insert(rel, fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, "", &mut out);
        out
    }

    fn is_ident(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    /// The text with comments blanked and, unless `keep_strings`, the
    /// contents of string and character literals too. Every character
    /// keeps its place (blanked ones become spaces, line breaks stay).
    fn blank(text: &str, keep_strings: bool) -> Vec<char> {
        let s: Vec<char> = text.chars().collect();
        let mut out = s.clone();
        let blank = |out: &mut Vec<char>, from: usize, to: usize| {
            for c in &mut out[from..to.min(s.len())] {
                if *c != '\n' {
                    *c = ' ';
                }
            }
        };
        let mut i = 0;
        while i < s.len() {
            let next = s.get(i + 1).copied();
            if s[i] == '/' && next == Some('/') {
                let end = (i..s.len()).find(|&j| s[j] == '\n').unwrap_or(s.len());
                blank(&mut out, i, end);
                i = end;
            } else if s[i] == '/' && next == Some('*') {
                let (mut depth, mut j) = (0, i);
                while j < s.len() {
                    if s[j] == '/' && s.get(j + 1) == Some(&'*') {
                        depth += 1;
                        j += 2;
                    } else if s[j] == '*' && s.get(j + 1) == Some(&'/') {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut out, i, j);
                i = j;
            } else if s[i] == 'r'
                && (i == 0
                    || !is_ident(s[i - 1])
                    || (s[i - 1] == 'b' && (i < 2 || !is_ident(s[i - 2]))))
                && matches!(next, Some('"') | Some('#'))
            {
                // A raw string: r"...", r#"..."#, br"...".
                let hashes = s[i + 1..].iter().take_while(|&&c| c == '#').count();
                let open = i + 1 + hashes;
                if s.get(open) != Some(&'"') {
                    i += 1;
                    continue;
                }
                let close: Vec<char> = format!("\"{}", "#".repeat(hashes)).chars().collect();
                let mut j = open + 1;
                while j < s.len() && s[j..].iter().take(close.len()).ne(close.iter()) {
                    j += 1;
                }
                if !keep_strings {
                    blank(&mut out, open + 1, j);
                }
                i = j + close.len();
            } else if s[i] == '"' {
                let mut j = i + 1;
                while j < s.len() && s[j] != '"' {
                    j += if s[j] == '\\' { 2 } else { 1 };
                }
                if !keep_strings {
                    blank(&mut out, i + 1, j);
                }
                i = j + 1;
            } else if s[i] == '\'' {
                // A character literal, or a lifetime or label (left alone).
                let end = if next == Some('\\') {
                    (i + 3..s.len()).find(|&j| s[j] == '\'')
                } else if s.get(i + 2) == Some(&'\'') {
                    Some(i + 2)
                } else {
                    None
                };
                match end {
                    Some(end) => {
                        if !keep_strings {
                            blank(&mut out, i + 1, end);
                        }
                        i = end + 1;
                    }
                    None => i += 1,
                }
            } else {
                i += 1;
            }
        }
        out
    }

    /// Blanks every item marked `#[cfg(test)]` in `code` (which has its
    /// comments and literals blanked, so that braces match).
    fn without_tests(code: &[char], other: &mut [char]) -> Vec<char> {
        let mut code = code.to_vec();
        let marker: Vec<char> = "#[cfg(test)]".chars().collect();
        let mut i = 0;
        while i + marker.len() <= code.len() {
            if code[i..i + marker.len()] != marker[..] {
                i += 1;
                continue;
            }
            // The item ends at its `;` or at the brace that closes its body.
            let mut j = i + marker.len();
            while j < code.len() && code[j] != ';' && code[j] != '{' {
                j += 1;
            }
            if j < code.len() && code[j] == '{' {
                let mut depth = 0;
                while j < code.len() {
                    match code[j] {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
            }
            let end = (j + 1).min(code.len());
            for k in i..end {
                if code[k] != '\n' {
                    code[k] = ' ';
                    other[k] = ' ';
                }
            }
            i = end;
        }
        code
    }

    /// The paths that start at the crate root (`crate::a::b`, and each
    /// path of `use crate::{a::{b, c}, d}`), as their segments.
    fn crate_paths(code: &[char]) -> Vec<Vec<String>> {
        fn skip_ws(s: &[char], i: &mut usize) {
            while *i < s.len() && s[*i].is_whitespace() {
                *i += 1;
            }
        }
        fn ident(s: &[char], i: &mut usize) -> String {
            let start = *i;
            while *i < s.len() && is_ident(s[*i]) {
                *i += 1;
            }
            s[start..*i].iter().collect()
        }
        fn tree(s: &[char], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
            skip_ws(s, i);
            match s.get(*i) {
                Some('{') => {
                    *i += 1;
                    loop {
                        skip_ws(s, i);
                        match s.get(*i) {
                            None => return,
                            Some('}') => {
                                *i += 1;
                                return;
                            }
                            Some(',') => *i += 1,
                            _ => {
                                let before = *i;
                                tree(s, i, prefix.clone(), out);
                                if *i == before {
                                    *i += 1;
                                }
                            }
                        }
                    }
                }
                Some('*') => {
                    *i += 1;
                    out.push(prefix);
                }
                _ => {
                    let name = ident(s, i);
                    if name.is_empty() || name == "self" {
                        out.push(prefix);
                        return;
                    }
                    let mut path = prefix;
                    path.push(name);
                    let mut j = *i;
                    skip_ws(s, &mut j);
                    if s.get(j) == Some(&':') && s.get(j + 1) == Some(&':') {
                        *i = j + 2;
                        tree(s, i, path, out);
                    } else {
                        out.push(path);
                    }
                }
            }
        }
        let word: Vec<char> = "crate::".chars().collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i + word.len() <= code.len() {
            if code[i..i + word.len()] == word[..] && (i == 0 || !is_ident(code[i - 1])) {
                let mut j = i + word.len();
                tree(code, &mut j, Vec::new(), &mut out);
                i = j.max(i + 1);
            } else {
                i += 1;
            }
        }
        out
    }

    /// The module (a file of `files`, without `.rs`) that a crate path
    /// names or names an item of.
    fn resolve(files: &BTreeSet<String>, path: &[String]) -> Option<String> {
        (1..=path.len()).rev().find_map(|n| {
            let module = path[..n].join("/");
            [format!("{module}.rs"), format!("{module}/mod.rs")]
                .into_iter()
                .find(|f| files.contains(f))
        })
    }

    /// The layer of a file (its index in LAYERS), or None for ROOT.
    fn layer(file: &str) -> Result<Option<usize>, String> {
        if ROOT.contains(&file) {
            return Ok(None);
        }
        let top = file.split('/').next().unwrap_or(file);
        let top = top.strip_suffix(".rs").unwrap_or(top);
        LAYERS
            .iter()
            .position(|l| *l == top)
            .map(Some)
            .ok_or_else(|| format!("{file} belongs to no layer (put it in one of {LAYERS:?})"))
    }

    /// The string literals of `code` (comments blanked, literals kept).
    fn literals(code: &[char]) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < code.len() {
            if code[i] == '"' {
                let mut j = i + 1;
                while j < code.len() && code[j] != '"' {
                    j += if code[j] == '\\' { 2 } else { 1 };
                }
                out.push(code[i + 1..j.min(code.len())].iter().collect());
                i = j + 1;
            } else {
                i += 1;
            }
        }
        out
    }

    /// Whether `code` holds the identifier `name`.
    fn mentions(code: &[char], name: &str) -> bool {
        let name: Vec<char> = name.chars().collect();
        (0..code.len().saturating_sub(name.len() - 1)).any(|i| {
            code[i..i + name.len()] == name[..]
                && (i == 0 || !is_ident(code[i - 1]))
                && code.get(i + name.len()).is_none_or(|c| !is_ident(*c))
        })
    }

    /// Every way in which `files` (path to text) break the layering, or
    /// install from the wrong place.
    fn problems(files: &BTreeMap<String, String>) -> Vec<String> {
        let names: BTreeSet<String> = files.keys().cloned().collect();
        let mut problems = Vec::new();
        let mut code = BTreeMap::new();
        let mut with_strings = BTreeMap::new();
        for (file, text) in files {
            let mut strings = blank(text, true);
            let masked = without_tests(&blank(text, false), &mut strings);
            code.insert(file.clone(), masked);
            with_strings.insert(file.clone(), strings);
        }

        // Uses go down, or sideways without cycles.
        let mut sideways: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, masked) in &code {
            let own = match layer(file) {
                Ok(Some(l)) => l,
                Ok(None) => continue, // main.rs may use anything
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            };
            for path in crate_paths(masked) {
                let Some(target) = resolve(&names, &path) else {
                    problems.push(format!(
                        "{file} uses crate::{}, which is no module",
                        path.join("::")
                    ));
                    continue;
                };
                if target == *file {
                    continue;
                }
                let theirs = match layer(&target) {
                    Ok(l) => l,
                    Err(_) => continue, // reported for that file
                };
                match theirs {
                    None => problems.push(format!(
                        "{file} uses crate::{}, from {target}, above every layer",
                        path.join("::")
                    )),
                    Some(theirs) if theirs > own => problems.push(format!(
                        "{file} ({}) uses crate::{}, from {target} ({}), a higher layer",
                        LAYERS[own],
                        path.join("::"),
                        LAYERS[theirs]
                    )),
                    Some(theirs) if theirs == own => {
                        sideways.entry(file.clone()).or_default().insert(target);
                    }
                    _ => {}
                }
            }
        }
        problems.extend(cycles(&sideways).into_iter().map(|c| {
            format!(
                "modules of one layer use each other in a cycle: {}",
                c.join(" -> ")
            )
        }));

        // Only host/packages.rs installs, and only commands/ asks it to.
        let installing: Vec<String> = files
            .get(PACKAGES)
            .map(|text| {
                text.lines()
                    .filter_map(|l| l.trim().strip_prefix("pub fn "))
                    .map(|l| l.split('(').next().unwrap_or("").to_string())
                    .filter(|n| n.starts_with("install_") || n.starts_with("fetch_"))
                    .collect()
            })
            .unwrap_or_default();
        for (file, strings) in &with_strings {
            if file == PACKAGES {
                continue;
            }
            for literal in literals(strings) {
                if INSTALLERS.contains(&literal.as_str()) {
                    problems.push(format!("{file} runs `{literal}`: only {PACKAGES} installs"));
                }
            }
            if file.starts_with("commands/") {
                continue;
            }
            for name in &installing {
                if mentions(&code[file], name) {
                    problems.push(format!(
                        "{file} calls {name}: only commands/ installs or fetches (through commands::ensure)"
                    ));
                }
            }
        }
        if let Some(toolchain) = code.get("host/toolchain.rs") {
            if mentions(toolchain, "packages") {
                problems
                    .push("host/toolchain.rs uses host::packages: it only looks things up".into());
            }
        }
        problems
    }

    /// The cycles of a graph (each once, from its smallest node).
    fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
        fn visit(
            node: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
            done: &mut BTreeSet<String>,
            found: &mut Vec<Vec<String>>,
        ) {
            if let Some(at) = path.iter().position(|p| p == node) {
                let mut cycle = path[at..].to_vec();
                cycle.push(node.to_string());
                found.push(cycle);
                return;
            }
            if !done.insert(node.to_string()) {
                return;
            }
            path.push(node.to_string());
            for next in graph.get(node).into_iter().flatten() {
                visit(next, graph, path, done, found);
            }
            path.pop();
        }
        let mut found = Vec::new();
        let mut done = BTreeSet::new();
        for node in graph.keys() {
            visit(node, graph, &mut Vec::new(), &mut done, &mut found);
        }
        found
    }

    #[test]
    fn every_module_keeps_to_its_layer() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let files = sources(&src);
        assert!(files.contains_key(PACKAGES) && files.contains_key("commands/mod.rs"));
        let problems = problems(&files);
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    #[test]
    fn the_installing_functions_are_found() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let text = fs::read_to_string(src.join(PACKAGES)).unwrap();
        for name in [
            "install_packages",
            "install_bindgen",
            "fetch_busybox",
            "fetch_minimum_rustc",
        ] {
            assert!(text.contains(&format!("pub fn {name}(")), "{name}");
        }
    }

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn finds_a_use_of_a_higher_layer() {
        let p = problems(&files(&[
            ("main.rs", "mod leaf; mod guest;"),
            ("leaf/mod.rs", "pub mod a;"),
            ("leaf/a.rs", "use crate::guest::boot::Boot;\nfn f() {}"),
            ("guest/mod.rs", "pub mod boot;"),
            ("guest/boot.rs", "use crate::leaf::a;\npub struct Boot;"),
        ]));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("leaf/a.rs (leaf) uses crate::guest::boot::Boot"),
            "{p:?}"
        );
    }

    #[test]
    fn finds_a_cycle_within_a_layer_through_grouped_uses() {
        let p = problems(&files(&[
            ("leaf/mod.rs", ""),
            ("leaf/a.rs", "use crate::{leaf::{b::{self, X}}};"),
            ("leaf/b.rs", "fn f() { crate::leaf::c::g(); }"),
            ("leaf/c.rs", "use crate::leaf::a::*;"),
        ]));
        assert_eq!(
            p,
            ["modules of one layer use each other in a cycle: \
              leaf/a.rs -> leaf/b.rs -> leaf/c.rs -> leaf/a.rs"]
        );
    }

    #[test]
    fn tests_comments_and_strings_may_say_anything() {
        let p = problems(&files(&[
            ("leaf/mod.rs", ""),
            (
                "leaf/a.rs",
                "// crate::commands::x\n/* crate::guest /* nested */ x */\n\
                 const S: &str = \"crate::commands::x {\";\nconst C: char = '{';\n\
                 fn f<'a>(x: &'a str) -> &'a str { x }\n\
                 const R: &str = r#\"crate::guest \"{\"#;\n\
                 #[cfg(test)]\nmod tests { use crate::commands::y; fn t() { let _ = \"}\"; } }\n\
                 fn g() { crate::leaf::a::f(\"\"); }\n",
            ),
            ("commands/mod.rs", ""),
        ]));
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn finds_installs_outside_their_place() {
        let p = problems(&files(&[
            ("host/mod.rs", ""),
            (
                PACKAGES,
                "pub fn install_packages() { Command::new(\"apt-get\"); }\npub fn lookup() {}",
            ),
            (
                "host/toolchain.rs",
                "fn f() { crate::host::packages::lookup(); }",
            ),
            ("tree/mod.rs", ""),
            (
                "tree/a.rs",
                "fn f() { crate::host::packages::install_packages(); Command::new(\"dpkg\"); }",
            ),
            (
                "commands/mod.rs",
                "fn f() { crate::host::packages::install_packages(); }",
            ),
        ]));
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(
            p.iter().any(|e| e.contains("tree/a.rs runs `dpkg`")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|e| e.contains("tree/a.rs calls install_packages")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|e| e.contains("host/toolchain.rs uses host::packages")),
            "{p:?}"
        );
    }
}
