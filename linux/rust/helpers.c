// SPDX-License-Identifier: GPL-2.0
/*
 * Wrappers of C inline functions and function-like macros, which have no
 * symbol Rust code could call.
 *
 * bindgen generates the Rust declarations of the functions here, without
 * their "rust_helper_" prefix, so that Rust code calls them by the C name.
 * Keep them sorted; a wrapper must do nothing but call what it wraps.
 */

#include <linux/bug.h>
#include <linux/export.h>

__noreturn void rust_helper_BUG(void)
{
	BUG();
}
EXPORT_SYMBOL_GPL(rust_helper_BUG);
