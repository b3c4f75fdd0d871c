// SPDX-License-Identifier: GPL-2.0

//! Saves the documentation examples of a crate, for `rustdoc_test_gen`.
//!
//! `rustdoc --test --test-builder` runs this program instead of the
//! compiler, once per example, with the program `rustdoc` made of the
//! example on the standard input and the compiler's arguments, among which
//! `-o DIR/rust_out`, `DIR` being the example's directory under the one of
//! `--persist-doctests`.
//!
//! The examples are kernel code and cannot be built for the host: the
//! program is saved as `DIR/doctest.rs`, and `rust_out` is made a script
//! that succeeds. `rustdoc` then "runs" the examples that are to be run,
//! and its report tells them from those only to be built (`no_run`) and
//! those that are not to build at all (`compile_fail`), which
//! `rustdoc_test_gen` needs to know.

use std::env;
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::ExitCode;

/// What `rustdoc` runs as the example's test program: it passes.
const PASSING_PROGRAM: &str = "#!/bin/sh\nexit 0\n";

/// Finds the output path among the compiler arguments (`-o PATH`).
fn output_path() -> Option<PathBuf> {
    let mut args = env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-o" {
            return args.next().map(PathBuf::from);
        }
    }
    None
}

fn save_example() -> io::Result<()> {
    let output = output_path().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "no output path (-o) among the arguments",
        )
    })?;
    let dir = output.parent().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "the output path has no directory",
        )
    })?;

    let mut source = String::new();
    io::stdin().read_to_string(&mut source)?;

    fs::create_dir_all(dir)?;
    fs::write(dir.join("doctest.rs"), source)?;
    fs::write(&output, PASSING_PROGRAM)?;
    fs::set_permissions(&output, fs::Permissions::from_mode(0o755))
}

fn main() -> ExitCode {
    match save_example() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rustdoc_test_builder: {e}");
            ExitCode::FAILURE
        }
    }
}
