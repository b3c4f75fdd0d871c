/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsed by bindgen in scripts/rust_is_available.sh: the diagnostic tells
 * which libclang bindgen loaded.
 */
#pragma message("rust_is_available_libclang " __clang_version__)
