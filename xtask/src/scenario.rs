//! Scenarios: what to boot and what to check, from `tests/scenarios.toml`.
//! Each names its architecture, the Kconfig fragments of its kernel, the
//! guest script (`tests/scenarios/SCRIPT.sh`) and what must pass: every
//! name in `tests/scenarios/SCRIPT.expect` and the listed KUnit suites.

use crate::build::{Arch, Rustc, Spec};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::fs;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scenario: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    arch: String,
    #[serde(default)]
    configs: Vec<String>,
    script: String,
    timeout: u64,
    #[serde(default)]
    kunit: Vec<String>,
    #[serde(default)]
    demo: bool,
    #[serde(default)]
    modules: bool,
    #[serde(default)]
    rustc: Option<String>,
    #[serde(default)]
    pristine: bool,
    #[serde(default)]
    same_as: Option<String>,
    #[serde(default)]
    break_example: bool,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub arch: Arch,
    /// Fragments on top of `base` and the architecture's own.
    pub configs: Vec<String>,
    pub script: String,
    /// Seconds before the guest is declared hung.
    pub timeout: u64,
    /// KUnit suites that must run and pass.
    pub kunit: Vec<String>,
    /// Names that must be reported as passed.
    pub expect: Vec<String>,
    /// Shown by `cargo xtask run` rather than run by `cargo xtask test`.
    pub demo: bool,
    /// Whether the kernel's modules go into the initramfs, in /lib/modules.
    pub modules: bool,
    /// The Rust compiler its kernel is built with.
    pub rustc: Rustc,
    /// Whether its kernel is built from pristine 5.10.223.
    pub pristine: bool,
    /// A scenario of the same architecture whose kernel configuration and
    /// boot messages this one's must match (see `equivalence`).
    pub same_as: Option<String>,
    /// After its boot and its kernel's other checks, break one example of
    /// the kernel crate's documentation and boot again (see `doctests`).
    pub break_example: bool,
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
}

pub fn load(root: &Path) -> Result<Vec<Scenario>> {
    let path = root.join("tests/scenarios.toml");
    let text =
        fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = toml::from_str(&text).with_context(|| format!("in {}", path.display()))?;
    let mut out = Vec::new();
    for raw in file.scenario {
        let dir = root.join("tests/scenarios");
        if !dir.join(format!("{}.sh", raw.script)).is_file() {
            bail!(
                "scenario `{}`: no tests/scenarios/{}.sh",
                raw.name,
                raw.script
            );
        }
        let expect_file = dir.join(format!("{}.expect", raw.script));
        let expect: Vec<String> = fs::read_to_string(&expect_file)
            .with_context(|| {
                format!(
                    "scenario `{}`: cannot read {}",
                    raw.name,
                    expect_file.display()
                )
            })?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
        if expect.is_empty() {
            bail!(
                "{} expects nothing: a scenario that cannot fail is no test",
                expect_file.display()
            );
        }
        out.push(Scenario {
            arch: Arch::parse(&raw.arch)?,
            name: raw.name,
            configs: raw.configs,
            script: raw.script,
            timeout: raw.timeout,
            kunit: raw.kunit,
            expect,
            demo: raw.demo,
            modules: raw.modules,
            rustc: raw
                .rustc
                .as_deref()
                .map_or(Ok(Rustc::Current), Rustc::parse)?,
            pristine: raw.pristine,
            same_as: raw.same_as,
            break_example: raw.break_example,
        });
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
