/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C headers the Rust bindings are generated from.
 *
 * bindgen cannot evaluate macros that expand to casts or other
 * expressions (GFP_KERNEL, for instance); such constants are copied into
 * variables named RUST_CONST_HELPER_<name> here, which bindgen evaluates,
 * and which the build renames back to <name>.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

const gfp_t RUST_CONST_HELPER_GFP_KERNEL = GFP_KERNEL;
const gfp_t RUST_CONST_HELPER___GFP_ZERO = __GFP_ZERO;
const size_t RUST_CONST_HELPER_PAGE_SIZE = PAGE_SIZE;
