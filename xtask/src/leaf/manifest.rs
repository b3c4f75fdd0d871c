//! The series manifest, `series.toml`: the patches in order, each with its
//! commit message, author, sign-offs and the overlay files (under `linux/`) it
//! adds. A patch's changes to files that exist upstream are `diffs/NAME.diff`.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};
use toml_write::{ToTomlValue, TomlStringBuilder};

pub const FILE: &str = "series.toml";
pub const OVERLAY: &str = "linux";
pub const DIFFS: &str = "diffs";

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub series: Series,
    #[serde(default, rename = "patch")]
    pub patches: Vec<Patch>,
}

/// What the whole series shares, and its cover letter.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Series {
    /// The upstream release the series applies to, e.g. `5.10.223`.
    pub base: String,
    /// The default author and signer of every patch.
    pub author: String,
    /// The date every commit carries, so that exports are reproducible.
    pub date: String,
    /// The cover letter's subject and text.
    pub subject: String,
    pub message: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Patch {
    /// A short stable identifier; names the diff file.
    pub name: String,
    pub subject: String,
    pub message: String,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub signed_off_by: Vec<String>,
    /// Files the patch adds, relative to the kernel tree (and to `linux/`).
    #[serde(default)]
    pub files: Vec<String>,
}

impl Patch {
    pub fn author<'a>(&'a self, series: &'a Series) -> &'a str {
        self.author.as_deref().unwrap_or(&series.author)
    }

    pub fn signers<'a>(&'a self, series: &'a Series) -> Vec<&'a str> {
        if self.signed_off_by.is_empty() {
            vec![self.author(series)]
        } else {
            self.signed_off_by.iter().map(String::as_str).collect()
        }
    }

    /// The full commit message: subject, body and sign-offs.
    pub fn commit_message(&self, series: &Series) -> String {
        let mut msg = format!("{}\n\n{}\n\n", self.subject, self.message.trim_end());
        for s in self.signers(series) {
            msg.push_str(&format!("Signed-off-by: {s}\n"));
        }
        msg
    }
}

impl Manifest {
    pub fn parse(text: &str) -> Result<Self> {
        let mut m: Manifest = toml::from_str(text)?;
        m.series.message = m.series.message.trim().to_string();
        for p in &mut m.patches {
            p.message = p.message.trim().to_string();
        }
        Ok(m)
    }

    pub fn load(root: &Path) -> Result<Self> {
        let path = root.join(FILE);
        let text =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in {}", path.display()))
    }

    pub fn diff_path(root: &Path, patch: &Patch) -> PathBuf {
        root.join(DIFFS).join(format!("{}.diff", patch.name))
    }

    /// Checks the manifest against itself and against `linux/` and `diffs/`
    /// in `root`, listing every problem found.
    pub fn validate(&self, root: &Path) -> Result<()> {
        let overlay = list_files(&root.join(OVERLAY))?;
        let diffs = list_files(&root.join(DIFFS))?;
        let problems = self.problems(&overlay, &diffs);
        if !problems.is_empty() {
            bail!(
                "{} is not consistent:\n  - {}",
                FILE,
                problems.join("\n  - ")
            );
        }
        Ok(())
    }

    /// Every inconsistency, given the files under `linux/` and `diffs/`.
    pub fn problems(&self, overlay: &BTreeSet<String>, diffs: &BTreeSet<String>) -> Vec<String> {
        let mut problems = Vec::new();
        let mut names = BTreeSet::new();
        let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
        check_person(&mut problems, "series author", &self.series.author);
        if self.series.subject.trim().is_empty() || self.series.message.trim().is_empty() {
            problems.push("the series needs a cover letter subject and message".into());
        }
        for p in &self.patches {
            let who = format!("patch `{}`", p.name);
            if p.name.is_empty()
                || !p
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                problems.push(format!("{who}: names are made of a-z, 0-9 and -"));
            }
            if !names.insert(p.name.as_str()) {
                problems.push(format!("{who}: the name is used twice"));
            }
            problems.extend(
                subject_problems(&p.subject)
                    .into_iter()
                    .map(|e| format!("{who}: {e}")),
            );
            problems.extend(
                message_problems(&p.message)
                    .into_iter()
                    .map(|e| format!("{who}: {e}")),
            );
            check_person(
                &mut problems,
                &format!("{who} author"),
                p.author(&self.series),
            );
            for s in &p.signed_off_by {
                check_person(&mut problems, &format!("{who} Signed-off-by"), s);
            }
            for f in &p.files {
                if let Some(first) = owner.insert(f, &p.name) {
                    problems.push(format!(
                        "linux/{f} is claimed by `{first}` and by `{}`",
                        p.name
                    ));
                }
                if !overlay.contains(f) {
                    problems.push(format!("{who} adds linux/{f}, which does not exist"));
                }
            }
            let has_diff = diffs.contains(&format!("{}.diff", p.name));
            if p.files.is_empty() && !has_diff {
                problems.push(format!(
                    "{who} changes nothing (no files, no diffs/{}.diff)",
                    p.name
                ));
            }
        }
        for f in overlay {
            if !owner.contains_key(f.as_str()) {
                problems.push(format!("linux/{f} is claimed by no patch"));
            }
        }
        for d in diffs {
            let name = d.strip_suffix(".diff").unwrap_or(d);
            if !d.ends_with(".diff") || !names.contains(name) {
                problems.push(format!("diffs/{d} belongs to no patch"));
            }
        }
        problems
    }

    /// Writes the manifest back in its canonical form: the header comment,
    /// `[series]`, then one `[[patch]]` table per patch, keys in a fixed
    /// order, messages as multi-line strings.
    pub fn to_toml(&self) -> String {
        let s = &self.series;
        let mut series = Table::new();
        series.decor_mut().set_prefix(HEADER);
        series.insert("base", basic(&s.base));
        series.insert("author", basic(&s.author));
        series.insert("date", basic(&s.date));
        series.insert("subject", basic(&s.subject));
        series.insert("message", block(&s.message));
        let mut doc = DocumentMut::new();
        doc.insert("series", Item::Table(series));
        let mut patches = ArrayOfTables::new();
        for p in &self.patches {
            let mut patch = Table::new();
            patch.insert("name", basic(&p.name));
            patch.insert("subject", basic(&p.subject));
            if let Some(a) = &p.author {
                patch.insert("author", basic(a));
            }
            if !p.signed_off_by.is_empty() {
                patch.insert("signed-off-by", list(&p.signed_off_by));
            }
            if !p.files.is_empty() {
                patch.insert("files", list(&p.files));
            }
            patch.insert("message", block(&p.message));
            patches.push(patch);
        }
        if !patches.is_empty() {
            doc.insert("patch", Item::ArrayOfTables(patches));
        }
        doc.to_string()
    }
}

/// The comment at the top of the file.
const HEADER: &str = "# The patch series, in order. See README.md; `cargo xtask sync` rewrites\n\
                      # this file from the commits in build/tree.\n\n";

/// A value parsed from its TOML representation `raw`, which keeps that
/// representation when the document is written.
fn parsed(raw: &str) -> Value {
    raw.parse()
        .unwrap_or_else(|e| panic!("xtask wrote an invalid TOML value {raw}: {e}"))
}

/// A one-line basic string: `"..."`, every `"` and `\` escaped.
fn basic(s: &str) -> Item {
    Item::Value(basic_value(s))
}

fn basic_value(s: &str) -> Value {
    parsed(&TomlStringBuilder::new(s).as_basic().to_toml_value())
}

/// A list of one-line strings: on one line if it has one item, else one
/// item a line, each followed by a comma.
fn list(items: &[String]) -> Item {
    let mut array = Array::new();
    for i in items {
        let mut v = basic_value(i);
        if items.len() > 1 {
            v.decor_mut().set_prefix("\n    ");
        }
        array.push_formatted(v);
    }
    if items.len() > 1 {
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    Item::Value(Value::Array(array))
}

/// A multi-line basic string: `"""`, a line break, the trimmed text, a
/// line break and `"""`. Every `"` in it is escaped, as this file always
/// had it (toml_write's multi-line form escapes only runs of three), so
/// the representation is made here and parsed, that is checked, by
/// toml_edit.
fn block(text: &str) -> Item {
    let mut raw = String::from("\"\"\"\n");
    for c in text.trim().chars() {
        match c {
            '"' => raw += "\\\"",
            '\\' => raw += "\\\\",
            '\n' | '\t' => raw.push(c),
            c if c.is_control() => raw += &format!("\\u{:04x}", c as u32),
            c => raw.push(c),
        }
    }
    raw += "\n\"\"\"";
    Item::Value(parsed(&raw))
}

fn check_person(problems: &mut Vec<String>, what: &str, who: &str) {
    let ok = who.split_once(" <").is_some_and(|(name, mail)| {
        !name.trim().is_empty() && mail.ends_with('>') && mail.contains('@')
    });
    if !ok {
        problems.push(format!(
            "{what} `{who}` is not of the form `Name <mail@host>`"
        ));
    }
}

/// What is wrong with a patch subject, in kernel style.
pub fn subject_problems(subject: &str) -> Vec<String> {
    let mut e = Vec::new();
    if subject.chars().count() > 75 {
        e.push(format!(
            "subject is {} columns long (75 at most)",
            subject.chars().count()
        ));
    }
    match subject.split_once(": ") {
        Some((sys, summary)) if !sys.is_empty() && !summary.trim().is_empty() => {
            if summary.ends_with('.') {
                e.push("subject ends with a period".into());
            }
        }
        _ => e.push(format!("subject `{subject}` is not `subsystem: summary`")),
    }
    e
}

/// What is wrong with a commit message body.
pub fn message_problems(message: &str) -> Vec<String> {
    let mut e = Vec::new();
    if message.trim().is_empty() {
        e.push("the commit message is empty".into());
    }
    for (i, line) in message.lines().enumerate() {
        // Long unbreakable tokens (URLs, symbol names) may overflow.
        if line.chars().count() > 75 && line.contains(' ') {
            e.push(format!("message line {} is over 75 columns", i + 1));
        }
        if line.starts_with("Signed-off-by:") {
            e.push("put sign-offs in `signed-off-by`, not in the message".into());
        }
    }
    e
}

/// Every file below `dir`, as `/`-separated paths relative to it.
pub fn list_files(dir: &Path) -> Result<BTreeSet<String>> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> Result<()> {
        let Ok(entries) = fs::read_dir(dir) else {
            return Ok(());
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if entry.file_type()?.is_dir() {
                walk(&entry.path(), &rel, out)?;
            } else {
                out.insert(rel);
            }
        }
        Ok(())
    }
    let mut out = BTreeSet::new();
    walk(dir, "", &mut out)?;
    Ok(out)
}

/// A patch name made from its subject: `kallsyms: support long names` gives
/// `kallsyms-support-long-names`.
pub fn slug(subject: &str) -> String {
    let mut s = String::new();
    for c in subject.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    // Keep whole words, at most 40 characters of them.
    let mut out = String::new();
    for word in s.split('-').filter(|w| !w.is_empty()) {
        if !out.is_empty() && out.len() + 1 + word.len() > 40 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[series]
base = "5.10.223"
author = "Jane Hacker <jane@example.org>"
date = "2026-11-23T00:00:00+00:00"
subject = "Rust support"
message = """
Cover "letter" with a \\ backslash.
"""

[[patch]]
name = "kallsyms-long-names"
subject = "kallsyms: support symbol names up to 512 bytes"
files = ["kernel/kallsyms_test.c"]
message = """
Why.
"""

[[patch]]
name = "rust-core"
subject = "rust: add core"
author = "Joe Coder <joe@example.org>"
signed-off-by = ["Joe Coder <joe@example.org>", "Jane Hacker <jane@example.org>"]
files = ["rust/a.rs", "rust/b.rs"]
message = "Because."
"#;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_and_defaults() {
        let m = Manifest::parse(SAMPLE).unwrap();
        assert_eq!(m.patches.len(), 2);
        assert_eq!(m.series.message, "Cover \"letter\" with a \\ backslash.");
        let p = &m.patches[0];
        assert_eq!(p.signers(&m.series), ["Jane Hacker <jane@example.org>"]);
        assert_eq!(
            p.commit_message(&m.series),
            "kallsyms: support symbol names up to 512 bytes\n\nWhy.\n\n\
             Signed-off-by: Jane Hacker <jane@example.org>\n"
        );
        assert_eq!(m.patches[1].signers(&m.series).len(), 2);
    }

    #[test]
    fn canonical_form_round_trips() {
        let m = Manifest::parse(SAMPLE).unwrap();
        let again = Manifest::parse(&m.to_toml()).unwrap();
        assert_eq!(m, again);
        assert_eq!(again.to_toml(), m.to_toml());
    }

    /// `cargo xtask sync` writes the repository's series.toml back as it
    /// is: reading it and writing it again changes no byte.
    #[test]
    fn the_repository_s_manifest_is_a_fixed_point() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = fs::read_to_string(root.join(FILE)).unwrap();
        let written = Manifest::parse(&text).unwrap().to_toml();
        if written != text {
            let line = written
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map_or_else(|| "the end".to_string(), |n| format!("line {}", n + 1));
            panic!("to_toml changes {FILE} at {line}:\n{written}");
        }
    }

    #[test]
    fn writes_the_canonical_form() {
        let m = Manifest::parse(SAMPLE).unwrap();
        assert_eq!(
            m.to_toml(),
            r#"# The patch series, in order. See README.md; `cargo xtask sync` rewrites
# this file from the commits in build/tree.

[series]
base = "5.10.223"
author = "Jane Hacker <jane@example.org>"
date = "2026-11-23T00:00:00+00:00"
subject = "Rust support"
message = """
Cover \"letter\" with a \\ backslash.
"""

[[patch]]
name = "kallsyms-long-names"
subject = "kallsyms: support symbol names up to 512 bytes"
files = ["kernel/kallsyms_test.c"]
message = """
Why.
"""

[[patch]]
name = "rust-core"
subject = "rust: add core"
author = "Joe Coder <joe@example.org>"
signed-off-by = [
    "Joe Coder <joe@example.org>",
    "Jane Hacker <jane@example.org>",
]
files = [
    "rust/a.rs",
    "rust/b.rs",
]
message = """
Because.
"""
"#
        );
    }

    #[test]
    fn awkward_text_round_trips() {
        let mut m = Manifest::parse(SAMPLE).unwrap();
        let awkward = "\"\"\" quotes, 'single', \\ and \\\" \t tab\u{1b} escape\r\nand é";
        m.series.subject = awkward.into();
        m.patches[0].message = awkward.into();
        m.patches[1].files.push(awkward.into());
        let again = Manifest::parse(&m.to_toml()).unwrap();
        assert_eq!(again.series.subject, awkward);
        assert_eq!(again.patches[0].message, awkward.trim());
        assert_eq!(again.patches[1].files[2], awkward);
        assert_eq!(again.to_toml(), m.to_toml());
    }

    #[test]
    fn a_consistent_manifest_has_no_problems() {
        let m = Manifest::parse(SAMPLE).unwrap();
        let overlay = set(&["kernel/kallsyms_test.c", "rust/a.rs", "rust/b.rs"]);
        assert_eq!(
            m.problems(&overlay, &set(&["kallsyms-long-names.diff"])),
            Vec::<String>::new()
        );
    }

    #[test]
    fn finds_unclaimed_doubly_claimed_and_missing_files() {
        let mut m = Manifest::parse(SAMPLE).unwrap();
        m.patches[1].files.push("kernel/kallsyms_test.c".into());
        let overlay = set(&["kernel/kallsyms_test.c", "rust/a.rs", "rust/orphan.rs"]);
        let p = m.problems(&overlay, &set(&["stray.diff"])).join("\n");
        assert!(p.contains("linux/kernel/kallsyms_test.c is claimed by `kallsyms-long-names` and by `rust-core`"), "{p}");
        assert!(
            p.contains("linux/rust/orphan.rs is claimed by no patch"),
            "{p}"
        );
        assert!(
            p.contains("adds linux/rust/b.rs, which does not exist"),
            "{p}"
        );
        assert!(p.contains("diffs/stray.diff belongs to no patch"), "{p}");
    }

    #[test]
    fn checks_subjects_messages_and_people() {
        assert!(subject_problems("kallsyms: support long names").is_empty());
        assert_eq!(subject_problems("support long names").len(), 1);
        assert_eq!(subject_problems("rust: add a thing.").len(), 1);
        assert_eq!(
            subject_problems(&format!("rust: {}", "x".repeat(80))).len(),
            1
        );
        assert!(message_problems(&"word ".repeat(20)).len() == 1);
        assert!(message_problems("Signed-off-by: A <a@b>").len() == 1);
        let mut m = Manifest::parse(SAMPLE).unwrap();
        m.patches[0].author = Some("nobody".into());
        m.patches[0].name = "Bad Name".into();
        let p = m.problems(
            &set(&["kernel/kallsyms_test.c", "rust/a.rs", "rust/b.rs"]),
            &BTreeSet::new(),
        );
        assert!(
            p.iter().any(|e| e.contains("`nobody` is not of the form")),
            "{p:?}"
        );
        assert!(p.iter().any(|e| e.contains("names are made of")), "{p:?}");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("kallsyms: support symbol names up to 512 bytes"),
            "kallsyms-support-symbol-names-up-to-512"
        );
        assert_eq!(
            slug("Documentation: rust: add Rust documentation and MAINTAINERS entry"),
            "documentation-rust-add-rust"
        );
        assert_eq!(slug("rust: add `alloc`!"), "rust-add-alloc");
    }
}
