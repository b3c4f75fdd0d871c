//! Scenarios: what to boot and what to check, from `tests/scenarios.toml`
//! (that file documents the format). A scenario names its kernel
//! (architecture, Kconfig fragments, compiler, tree), how QEMU runs it,
//! the guest script and its arguments, and everything that must be
//! reported: the names of its expectation lists, its KUnit suites, the
//! kernel-level checks declared on it. `expected` turns that into the
//! exact set of outcome names a run must produce.

use crate::kernel::build::Spec;
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::console;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scenario: Vec<Raw>,
}

/// What `cargo xtask` does with a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Run by `cargo xtask test`.
    Test,
    /// Shown by `cargo xtask run`.
    Demo,
    /// Measured by `cargo xtask bench`.
    Bench,
}

/// How QEMU runs the guest.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qemu {
    /// `-cpu`; the default is `cortex-a57` on arm64 and QEMU's own on x86_64.
    #[serde(default)]
    pub cpu: Option<String>,
    /// `-smp`.
    #[serde(default = "one")]
    pub smp: u32,
    /// `-m`, in MiB.
    #[serde(default = "memory")]
    pub memory: u32,
    /// More arguments, as they are (`-icount shift=0` is two).
    #[serde(default)]
    pub args: Vec<String>,
}

fn one() -> u32 {
    1
}

fn memory() -> u32 {
    512
}

impl Default for Qemu {
    fn default() -> Self {
        Self {
            cpu: None,
            smp: one(),
            memory: memory(),
            args: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    arch: String,
    #[serde(default = "test_kind")]
    kind: Kind,
    #[serde(default)]
    configs: Vec<String>,
    #[serde(default)]
    rustc: Option<String>,
    #[serde(default)]
    pristine: bool,
    #[serde(default)]
    qemu: Qemu,
    #[serde(default)]
    cmdline: Vec<String>,
    script: String,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    expect: Option<Vec<String>>,
    #[serde(default)]
    kunit: Vec<String>,
    #[serde(default)]
    checks: Vec<String>,
    #[serde(default)]
    allow_log: Vec<String>,
    #[serde(default)]
    allow_skip: Vec<String>,
    #[serde(default)]
    collect: Vec<String>,
    #[serde(default)]
    modules: bool,
    #[serde(default)]
    external: Vec<String>,
    #[serde(default = "one")]
    repeat: u32,
    timeout: u64,
    #[serde(default)]
    same_as: Option<String>,
    #[serde(default)]
    compare: Option<String>,
}

fn test_kind() -> Kind {
    Kind::Test
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub arch: Arch,
    pub kind: Kind,
    /// Fragments on top of `base` and the architecture's own.
    pub configs: Vec<String>,
    /// The Rust compiler its kernel is built with.
    pub rustc: Rustc,
    /// Whether its kernel is built from pristine 5.10.223.
    pub pristine: bool,
    pub qemu: Qemu,
    /// Appended to the kernel command line.
    pub cmdline: Vec<String>,
    /// `tests/scenarios/SCRIPT.sh`, run by the guest's /init.
    pub script: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// The names of the expectation lists (`tests/scenarios/NAME.expect`).
    pub expect_lists: Vec<String>,
    /// The names that must be reported, from those lists.
    pub expect: Vec<String>,
    /// KUnit suites that must run and pass.
    pub kunit: Vec<String>,
    /// Kernel-level checks run after its boot (see `checks`).
    pub checks: Vec<String>,
    /// Kernel log lines it allows (see `klog::allowed`).
    pub allow_log: Vec<String>,
    /// Outcome names (`*` patterns) that may be skipped; any other skip
    /// counts as a failure.
    pub allow_skip: Vec<String>,
    /// What the guest hands over after the script (`sysfs`, `kallsyms`).
    pub collect: Vec<String>,
    /// Whether the kernel's modules go into the initramfs, in /lib/modules.
    pub modules: bool,
    /// Out-of-tree module directories (relative to the repository) built
    /// against its kernel and put in /lib/modules.
    pub external: Vec<String>,
    /// How many times it boots; each boot's outcomes are counted.
    pub repeat: u32,
    /// Seconds before the guest is declared hung.
    pub timeout: u64,
    /// A scenario of the same architecture whose kernel configuration, boot
    /// messages, kallsyms and sysfs this one's must match (see
    /// `equivalence`).
    pub same_as: Option<String>,
    /// A scenario of the same architecture whose metrics this one's are
    /// reported against, as ratios.
    pub compare: Option<String>,
}

/// Whether a skip of `name` is allowed by `patterns` (`*` matches any run
/// of characters).
pub fn matches(pattern: &str, name: &str) -> bool {
    let pieces: Vec<&str> = pattern.split('*').collect();
    if pieces.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    true
}

impl Scenario {
    /// `arm64.pl061-c`: the prefix of its outcomes.
    pub fn id(&self) -> String {
        format!("{}.{}", self.arch.name(), self.name)
    }

    /// What its kernel is built from.
    pub fn spec(&self) -> Spec {
        Spec {
            rustc: self.rustc,
            pristine: self.pristine,
            ..Spec::new(self.arch, &self.configs)
        }
    }

    /// Whether `name` (a full outcome name) may be skipped.
    pub fn may_skip(&self, name: &str) -> bool {
        let id = self.id();
        let short = name
            .strip_prefix(&id)
            .and_then(|n| n.strip_prefix('.'))
            .unwrap_or(name);
        self.allow_skip.iter().any(|p| matches(p, short))
    }

    /// The outcome names one boot must report, besides the cases of its
    /// KUnit suites (`ID.kunit.SUITE.*`, however many the suite has): the
    /// expected names, the suites, and the boot's own: it finished, its
    /// kernel log is clean and, on several CPUs, they all came up.
    pub fn expected_boot(&self) -> BTreeSet<String> {
        let id = self.id();
        let mut names: BTreeSet<String> = self.expect.iter().map(|e| format!("{id}.{e}")).collect();
        names.extend(self.kunit.iter().map(|k| format!("{id}.kunit.{k}")));
        names.insert(format!("{id}.boot"));
        names.insert(format!("{id}.kernel-log-clean"));
        if self.qemu.smp > 1 {
            names.insert(format!("{id}.cpus"));
        }
        names
    }

    /// Whether a reported name belongs to the boot: an expected name or a
    /// case of a declared KUnit suite.
    pub fn expects(&self, name: &str) -> bool {
        let id = self.id();
        self.expected_boot().contains(name)
            || self.kunit.iter().any(|k| {
                name.strip_prefix(&format!("{id}.kunit.{k}."))
                    .is_some_and(|case| !case.is_empty())
            })
    }
}

/// Loads `tests/scenarios.toml` under `root`; `checks` are the names of the
/// checks a scenario may declare (see `checks::registry::names`).
pub fn load(root: &Path, checks: &[&str]) -> Result<Vec<Scenario>> {
    let path = root.join("tests/scenarios.toml");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    parse(
        &text,
        |list| {
            let file = root.join("tests/scenarios").join(format!("{list}.expect"));
            fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))
        },
        |script| {
            root.join("tests/scenarios")
                .join(format!("{script}.sh"))
                .is_file()
        },
        checks,
    )
    .with_context(|| format!("in {}", path.display()))
}

/// Parses a scenarios file; `read_list` gives the text of an expectation
/// list, `script_exists` says whether a guest script exists, and `checks`
/// are the names of the checks there are.
pub fn parse(
    text: &str,
    read_list: impl Fn(&str) -> Result<String>,
    script_exists: impl Fn(&str) -> bool,
    checks: &[&str],
) -> Result<Vec<Scenario>> {
    let file: File = toml::from_str(text)?;
    let mut out: Vec<Scenario> = Vec::new();
    for raw in file.scenario {
        let arch = Arch::parse(&raw.arch)?;
        let what = format!("scenario `{}.{}`", arch.name(), raw.name);
        if out.iter().any(|s| s.arch == arch && s.name == raw.name) {
            bail!("{what} is defined twice");
        }
        if !script_exists(&raw.script) {
            bail!("{what}: no tests/scenarios/{}.sh", raw.script);
        }
        let expect_lists = raw.expect.unwrap_or_else(|| vec![raw.script.clone()]);
        let mut expect = Vec::new();
        for list in &expect_lists {
            let before = expect.len();
            for line in read_list(list)?.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if !console::valid_name(line) {
                    bail!("{what}: `{line}` in {list}.expect is not a valid name");
                }
                if expect.iter().any(|e| e == line) {
                    bail!("{what}: `{line}` is expected twice");
                }
                expect.push(line.to_string());
            }
            if expect.len() == before {
                bail!("{what}: {list}.expect expects nothing: a list that cannot fail is no test");
            }
        }
        for check in &raw.checks {
            if !checks.contains(&check.as_str()) {
                bail!(
                    "{what}: no check `{check}`; there are: {}",
                    checks.join(", ")
                );
            }
        }
        for c in &raw.collect {
            if !["sysfs", "kallsyms"].contains(&c.as_str()) {
                bail!("{what}: cannot collect `{c}` (sysfs or kallsyms)");
            }
        }
        if raw.qemu.smp == 0 || raw.repeat == 0 || raw.timeout == 0 {
            bail!("{what}: smp, repeat and timeout must be at least 1");
        }
        out.push(Scenario {
            name: raw.name,
            arch,
            kind: raw.kind,
            configs: raw.configs,
            rustc: raw
                .rustc
                .as_deref()
                .map_or(Ok(Rustc::Current), Rustc::parse)?,
            pristine: raw.pristine,
            qemu: raw.qemu,
            cmdline: raw.cmdline,
            script: raw.script,
            args: raw.args,
            expect_lists,
            expect,
            kunit: raw.kunit,
            checks: raw.checks,
            allow_log: raw.allow_log,
            allow_skip: raw.allow_skip,
            collect: raw.collect,
            modules: raw.modules,
            external: raw.external,
            repeat: raw.repeat,
            timeout: raw.timeout,
            same_as: raw.same_as,
            compare: raw.compare,
        });
    }
    for s in &out {
        for other in s.same_as.iter().chain(&s.compare) {
            if !out.iter().any(|o| o.arch == s.arch && &o.name == other) {
                bail!(
                    "scenario `{}` refers to `{other}`, which {} does not have",
                    s.id(),
                    s.arch.name()
                );
            }
        }
    }
    Ok(out)
}

/// The scenario called `name`, for `arch` when several architectures have one.
pub fn find(all: &[Scenario], name: &str, arch: Option<Arch>) -> Result<Scenario> {
    let matching: Vec<&Scenario> = all
        .iter()
        .filter(|s| s.name == name && arch.is_none_or(|a| a == s.arch))
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "no scenario `{name}`{}; there are: {}",
            arch.map(|a| format!(" for {}", a.name()))
                .unwrap_or_default(),
            all.iter().map(|s| s.id()).collect::<Vec<_>>().join(", ")
        ),
        _ => bail!("scenario `{name}` exists for several architectures: add --arch"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(name: &str) -> Result<String> {
        match name {
            "a" => Ok("# comment\none\ntwo\n".into()),
            "b" => Ok("three\n".into()),
            "empty" => Ok("# nothing\n".into()),
            "dup" => Ok("one\n".into()),
            _ => bail!("no list {name}"),
        }
    }

    fn parse_one(text: &str) -> Result<Scenario> {
        let mut all = parse(
            text,
            lists,
            |s| s != "missing",
            &crate::checks::registry::names(),
        )?;
        Ok(all.remove(0))
    }

    #[test]
    fn reads_every_field() {
        let s = parse_one(
            r#"
            [[scenario]]
            name = "full"
            arch = "arm64"
            kind = "bench"
            configs = ["rust-samples", "smp"]
            rustc = "minimum"
            cmdline = ["kmemleak=on"]
            script = "a"
            args = ["pac-bti", "2000"]
            expect = ["a", "b"]
            kunit = ["kallsyms"]
            checks = ["rust-tools"]
            allow_log = ["FAULT_INJECTION: *"]
            allow_skip = ["kunit.kallsyms.*"]
            collect = ["sysfs"]
            modules = true
            external = ["tests/oot"]
            repeat = 3
            timeout = 100
            [scenario.qemu]
            cpu = "max,pauth-impdef=on"
            smp = 2
            memory = 1024
            args = ["-icount", "shift=0"]
            "#,
        )
        .unwrap();
        assert_eq!(s.kind, Kind::Bench);
        assert_eq!(s.expect, ["one", "two", "three"]);
        assert_eq!(s.qemu.smp, 2);
        assert_eq!(s.qemu.args, ["-icount", "shift=0"]);
        assert_eq!(s.rustc, Rustc::Minimum);
        assert_eq!(s.repeat, 3);
        assert!(s.may_skip("arm64.full.kunit.kallsyms.x"));
        assert!(!s.may_skip("arm64.full.one"));
        let names = s.expected_boot();
        for n in [
            "arm64.full.one",
            "arm64.full.three",
            "arm64.full.kunit.kallsyms",
            "arm64.full.boot",
        ] {
            assert!(names.contains(n), "{n}");
        }
        assert!(s.expects("arm64.full.kunit.kallsyms.case_1"));
        assert!(!s.expects("arm64.full.kunit.other.case_1"));
        assert!(!s.expects("arm64.full.four"));
    }

    #[test]
    fn defaults_to_a_test_with_the_script_s_list() {
        let s = parse_one(
            "[[scenario]]\nname = \"x\"\narch = \"x86_64\"\nscript = \"a\"\ntimeout = 5\n",
        )
        .unwrap();
        assert_eq!(s.kind, Kind::Test);
        assert_eq!(s.expect_lists, ["a"]);
        assert_eq!(s.qemu, Qemu::default());
        assert_eq!(s.repeat, 1);
    }

    #[test]
    fn refuses_what_cannot_be_right() {
        let base = "[[scenario]]\nname = \"x\"\narch = \"arm64\"\ntimeout = 5\n";
        for (extra, why) in [
            ("script = \"missing\"\n", "no tests/scenarios/missing.sh"),
            ("script = \"a\"\nexpect = [\"empty\"]\n", "expects nothing"),
            (
                "script = \"a\"\nexpect = [\"a\", \"dup\"]\n",
                "expected twice",
            ),
            (
                "script = \"a\"\nchecks = [\"nonsense\"]\n",
                "no check `nonsense`",
            ),
            ("script = \"a\"\ncollect = [\"proc\"]\n", "cannot collect"),
            ("script = \"a\"\nsame_as = \"y\"\n", "refers to `y`"),
            ("script = \"a\"\nbogus = 1\n", "unknown field"),
            ("script = \"a\"\nkind = \"party\"\n", "unknown variant"),
        ] {
            let err = format!("{:#}", parse_one(&format!("{base}{extra}")).unwrap_err());
            assert!(err.contains(why), "{extra}: {err}");
        }
        let twice = format!("{base}script = \"a\"\n{base}script = \"a\"\n");
        assert!(
            format!("{:#}", parse(&twice, lists, |_| true, &[]).unwrap_err()).contains("twice")
        );
    }

    #[test]
    fn matches_patterns() {
        assert!(matches("a.*", "a.b.c"));
        assert!(matches("*.c", "a.b.c"));
        assert!(matches("a*c", "abc"));
        assert!(!matches("a*c", "ab"));
        assert!(matches("exact", "exact"));
        assert!(!matches("exact", "exact.no"));
    }

    #[test]
    fn the_repository_s_scenarios_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let all = load(root, &crate::checks::registry::names()).unwrap();
        assert!(all.iter().any(|s| s.kind == Kind::Demo));
        assert!(all.iter().filter(|s| s.kind == Kind::Test).count() >= 5);
    }
}
