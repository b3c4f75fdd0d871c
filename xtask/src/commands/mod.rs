//! Layer 8, the commands: one module per `cargo xtask` command, and the only
//! place that installs or downloads anything. Each command starts by
//! making sure that what it needs is there (`ensure`); the layers below
//! only look things up, and fail with a pointer to `cargo xtask setup` when
//! something is missing.

pub mod bench;
pub mod boot;
pub mod build;
pub mod run;
pub mod series;
pub mod setup;
pub mod sync;
pub mod test;
pub mod tree;

use crate::guest::scenario::Scenario;
use crate::host::packages;
use crate::leaf::arch::{Arch, Rustc};
use crate::leaf::ctx::Ctx;
use crate::source::base;
use anyhow::Result;
use std::collections::BTreeSet;

/// What a command needs on this machine before it starts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Needs {
    /// The Debian packages: the toolchain, QEMU, checkpatch's Python, ...
    pub packages: bool,
    /// bindgen-cli, which every `make` of a kernel tree names.
    pub bindgen: bool,
    /// The pristine tarball the base is made of (unless `LINUX_BASE` names
    /// another tree).
    pub base: bool,
    /// A static busybox for each guest architecture that boots.
    pub busybox: BTreeSet<Arch>,
    /// The oldest supported rustc, for kernels built with it.
    pub minimum_rustc: bool,
}

impl Needs {
    /// What checking the series out (and exporting it) needs.
    pub fn tree() -> Self {
        Needs {
            packages: true,
            base: true,
            ..Needs::default()
        }
    }

    /// What building a kernel of the series with `rustc` needs.
    pub fn build(rustc: Rustc) -> Self {
        Needs {
            packages: true,
            bindgen: true,
            base: true,
            busybox: BTreeSet::new(),
            minimum_rustc: rustc == Rustc::Minimum,
        }
    }

    /// What building the kernels of `scenarios` and booting them needs.
    pub fn boot<'a>(scenarios: impl IntoIterator<Item = &'a Scenario>) -> Self {
        let mut needs = Needs::build(Rustc::Current);
        for s in scenarios {
            needs.busybox.insert(s.arch);
            needs.minimum_rustc |= s.rustc == Rustc::Minimum;
        }
        needs
    }
}

/// Installs or downloads what `needs` names and is missing; quick when
/// nothing is.
pub fn ensure(ctx: &Ctx, needs: &Needs) -> Result<()> {
    if needs.packages {
        packages::install_packages()?;
    }
    if needs.bindgen {
        packages::install_bindgen(ctx)?;
    }
    if needs.base && base::user_base().is_none() {
        packages::fetch_pristine_tarball(ctx)?;
    }
    for arch in &needs.busybox {
        packages::fetch_busybox(ctx, *arch)?;
    }
    if needs.minimum_rustc {
        packages::fetch_minimum_rustc(ctx)?;
    }
    Ok(())
}
