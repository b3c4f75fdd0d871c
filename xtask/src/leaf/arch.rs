//! The two architectures the series supports, and the two Rust compilers a
//! kernel can be built with: names and facts, no tools.

use anyhow::{bail, Result};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Arch {
    Arm64,
    X86_64,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::Arm64, Arch::X86_64];

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "arm64" | "aarch64" => Ok(Arch::Arm64),
            "x86_64" | "x86-64" | "amd64" => Ok(Arch::X86_64),
            _ => bail!("unknown architecture `{s}` (arm64 or x86_64)"),
        }
    }

    /// The kernel's name, which is also the fragment's name.
    pub fn name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }

    /// Debian's name for it.
    pub fn debian(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "amd64",
        }
    }

    /// The GNU triple: clang's target for guest programs, and the
    /// `CROSS_COMPILE` prefix from which 5.10 derives clang's target.
    pub fn triple(self) -> &'static str {
        match self {
            Arch::Arm64 => "aarch64-linux-gnu",
            Arch::X86_64 => "x86_64-linux-gnu",
        }
    }

    pub fn image_target(self) -> &'static str {
        match self {
            Arch::Arm64 => "Image",
            Arch::X86_64 => "bzImage",
        }
    }

    pub fn image_path(self) -> &'static str {
        match self {
            Arch::Arm64 => "arch/arm64/boot/Image",
            Arch::X86_64 => "arch/x86/boot/bzImage",
        }
    }
}

/// `Arch::parse`, for command-line options.
impl FromStr for Arch {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        Arch::parse(s)
    }
}

/// The Rust compiler a kernel is built with (with its rustdoc and library
/// source).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rustc {
    /// Debian's current `rustc-web`, installed in /usr/bin.
    #[default]
    Current,
    /// The oldest version the series supports, unpacked from Debian's
    /// bookworm `rustc-web` into the cache (see
    /// `host::packages::fetch_minimum_rustc`).
    Minimum,
}

impl Rustc {
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "current" => Ok(Rustc::Current),
            "minimum" => Ok(Rustc::Minimum),
            _ => bail!("unknown rustc `{s}` (current or minimum)"),
        }
    }
}

/// `Rustc::parse`, for command-line options.
impl FromStr for Rustc {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Self> {
        Rustc::parse(s)
    }
}
