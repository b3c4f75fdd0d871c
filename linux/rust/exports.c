// SPDX-License-Identifier: GPL-2.0
/*
 * Exports the symbols of the Rust crates linked into the kernel (core,
 * alloc, bindings, kernel), so that Rust modules can link against them.
 *
 * The lists are generated from the crates' objects; see rust/Makefile.
 * The symbols are declared with a dummy type: only their address matters.
 */

#include <linux/module.h>

#define EXPORT_SYMBOL_RUST_GPL(sym) extern int sym; EXPORT_SYMBOL_GPL(sym)

#include "exports_core_generated.h"
#include "exports_alloc_generated.h"
#include "exports_bindings_generated.h"
#include "exports_kernel_generated.h"
