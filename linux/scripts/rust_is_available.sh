#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tell whether the Rust toolchain named by the environment can build the
# kernel's Rust code, and if it cannot, why not and how to fix it.
#
# The tools are taken from $RUSTC, $BINDGEN and $CC, as exported by the
# top-level Makefile; the standard library source from $RUST_LIB_SRC, or
# else from the compiler's sysroot.
#
# The minimum versions are kept here, next to the check, and listed in
# Documentation/process/changes.rst, like the other tool minimums.
#
# Exit status is 0 when everything is usable; otherwise one line per
# problem is printed to stderr.  With -v the versions found are printed
# on success.

rust_min_version=1.85.0
bindgen_min_version=0.65.1
libclang_min_version=10.0.1

set -e

verbose=
if [ "$1" = -v ]; then
	verbose=1
fi

# Print a problem (first argument) and what to do about it (the others).
report()
{
	echo >&2 "***"
	echo >&2 "*** $1"
	shift
	for line in "$@"; do
		echo >&2 "***   $line"
	done
	echo >&2 "***"
}

# Print an error and exit.
fail()
{
	report "$@"
	exit 1
}

warn()
{
	report "$@"
}

# Turn x.y.z into a single comparable number, e.g. 1.85.0 -> 108500.
canonical_version()
{
	IFS=.
	set -- $1
	unset IFS
	echo $((100000 * ${1:-0} + 100 * ${2:-0} + ${3:-0}))
}

# First x.y.z found in the given text.
first_version()
{
	echo "$1" | sed -n 's/[^0-9]*\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1
}

# tool_version WHAT COMMAND VARIABLE MINIMUM: print the version of COMMAND
# (named by $VARIABLE), failing unless it is at least MINIMUM.
tool_version()
{
	output=$(LC_ALL=C "$2" --version 2>/dev/null) || true
	version=$(first_version "$output")
	if [ -z "$version" ]; then
		fail "Running '$2' to check its version did not work:" \
		     "${output:-(no output)}"
	fi
	if [ "$(canonical_version "$version")" -lt \
	     "$(canonical_version "$4")" ]; then
		fail "$1 '$2' is too old: $version." \
		     "At least $4 is needed; name a newer one with $3=."
	fi
	echo "$version"
}

# rustc.
: "${RUSTC:=rustc}"
if ! command -v "$RUSTC" >/dev/null; then
	fail "Rust compiler '$RUSTC' could not be found." \
	     "Install rustc >= $rust_min_version, or name it with RUSTC=/path/to/rustc."
fi

rust_version=$(tool_version "Rust compiler" "$RUSTC" RUSTC "$rust_min_version")

# The standard library source, from which core and alloc are built.
if [ -z "$RUST_LIB_SRC" ]; then
	sysroot=$("$RUSTC" --print sysroot 2>/dev/null) || true
	RUST_LIB_SRC=$sysroot/lib/rustlib/src/rust/library
fi
if [ ! -e "$RUST_LIB_SRC/core/src/lib.rs" ]; then
	fail "The source of the Rust standard library was not found for '$RUSTC'" \
	     "(looked in $RUST_LIB_SRC)." \
	     "Install it for this compiler (e.g. 'rustup component add rust-src')," \
	     "or pass RUSTC=, RUSTDOC=, RUSTFMT= and CLIPPY_DRIVER= naming a toolchain" \
	     "that ships its source, e.g. RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc," \
	     "or set RUST_LIB_SRC to the 'library' directory of rustc $rust_version's source."
fi

# bindgen.
: "${BINDGEN:=bindgen}"
if ! command -v "$BINDGEN" >/dev/null; then
	fail "Rust bindings generator '$BINDGEN' could not be found." \
	     "Install bindgen >= $bindgen_min_version, e.g. with" \
	     "'cargo install --locked bindgen-cli', or name it with BINDGEN=."
fi

bindgen_version=$(tool_version "Rust bindings generator" "$BINDGEN" BINDGEN \
	"$bindgen_min_version")

# libclang, as bindgen loads it: ask it to parse a header that prints the
# version of the clang doing the parsing.
libclang_output=$(LC_ALL=C "$BINDGEN" \
	"$(dirname "$0")/rust_is_available_bindgen_libclang.h" 2>&1 >/dev/null) || true
if echo "$libclang_output" | grep -qi 'unable to find libclang'; then
	fail "bindgen '$BINDGEN' could not find libclang." \
	     "Install libclang (e.g. libclang-dev), or point bindgen at it with" \
	     "LIBCLANG_PATH=/path/to/llvm/lib."
fi
libclang_version=$(echo "$libclang_output" | \
	sed -n 's/.*rust_is_available_libclang \([0-9][0-9.]*\).*/\1/p' | head -n 1)
if [ -z "$libclang_version" ]; then
	fail "Running '$BINDGEN' to check the libclang version did not work:" \
	     "$(echo "$libclang_output" | head -n 3)"
fi
if [ "$(canonical_version "$libclang_version")" -lt \
     "$(canonical_version "$libclang_min_version")" ]; then
	fail "libclang (used by '$BINDGEN') is too old: $libclang_version." \
	     "At least $libclang_min_version is needed; use LIBCLANG_PATH= to pick another."
fi

# bindgen parses the headers with the C compiler's flags, so a libclang
# from another clang release than $CC may disagree about them.
if [ -n "$CC" ] && "$CC" --version 2>/dev/null | grep -q clang; then
	cc_version=$(echo __clang_major__.__clang_minor__.__clang_patchlevel__ | \
		"$CC" -E -x c - 2>/dev/null | tail -n 1 | tr -d ' ')
	if [ -n "$cc_version" ] && [ "$cc_version" != "$libclang_version" ]; then
		warn "libclang used by '$BINDGEN' ($libclang_version) differs" \
		     "from the C compiler '$CC' ($cc_version)." \
		     "This usually works, but may give wrong bindings; set LIBCLANG_PATH to" \
		     "the libclang of the same release as '$CC' to be safe."
	fi
fi

if [ -n "$verbose" ]; then
	echo "Rust is available: rustc $rust_version, bindgen $bindgen_version" \
	     "(libclang $libclang_version), library source $RUST_LIB_SRC"
fi
