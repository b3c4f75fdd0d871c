#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Usage: $ ./rustc-version.sh rustc
#
# Prints the version of the given Rust compiler as a number, e.g. 108500
# for 1.85.0, or 0 if it cannot be run.

version=$(LC_ALL=C "$@" --version 2>/dev/null | \
	sed -n 's/^rustc \([0-9]*\)\.\([0-9]*\)\.\([0-9]*\).*/\1 \2 \3/p')

if [ -z "$version" ]; then
	echo 0
	exit 1
fi

set -- $version
echo $((100000 * $1 + 100 * $2 + $3))
