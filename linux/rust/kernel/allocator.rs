// SPDX-License-Identifier: GPL-2.0

//! The memory allocator behind `Box` and `Vec`: `kmalloc`.
//!
//! C header: [`include/linux/slab.h`](../../../include/linux/slab.h)
//!
//! `alloc` calls the allocator through a handful of functions with fixed
//! names (`__rust_alloc` and friends). A program normally gets them from a
//! shim that rustc generates when linking the final binary, forwarding to
//! the `#[global_allocator]`. The kernel is not linked by rustc, so they are
//! defined here instead, with the same attribute the standard library uses
//! for them: it gives them the name `alloc` refers to, which depending on
//! the compiler version is plain or mangled with the compiler's version.

use core::alloc::Layout;
use core::ffi::c_void;
use core::ptr;

use crate::bindings;

/// Allocates, resizes or (with a zero size) frees memory with `krealloc()`.
///
/// # Safety
///
/// `ptr` must be null or come from this function and not have been freed.
unsafe fn krealloc_aligned(ptr: *mut u8, layout: Layout, flags: bindings::gfp_t) -> *mut u8 {
    let layout = layout.pad_to_align();
    let mut size = layout.size();
    // `kmalloc()` aligns every allocation to at least 8 bytes, and
    // power-of-two sizes to their size: ask for a power of two when more
    // alignment is needed.
    if layout.align() > core::mem::size_of::<u64>() {
        size = match size.checked_next_power_of_two() {
            Some(size) => size,
            None => return ptr::null_mut(),
        };
    }
    // SAFETY: the caller guarantees that `ptr` is null or a live allocation
    // of `krealloc()`.
    unsafe { bindings::krealloc(ptr.cast::<c_void>(), size, flags).cast::<u8>() }
}

/// Called by `alloc` to allocate.
///
/// # Safety
///
/// Only `alloc` calls it, with a layout of non-zero size.
#[rustc_std_internal_symbol]
unsafe fn __rust_alloc(size: usize, align: usize) -> *mut u8 {
    // SAFETY: `alloc` passes a size and alignment that form a valid layout.
    let layout = unsafe { Layout::from_size_align_unchecked(size, align) };
    // SAFETY: a null pointer allocates.
    unsafe { krealloc_aligned(ptr::null_mut(), layout, bindings::GFP_KERNEL) }
}

/// Called by `alloc` to allocate zeroed memory.
///
/// # Safety
///
/// Only `alloc` calls it, with a layout of non-zero size.
#[rustc_std_internal_symbol]
unsafe fn __rust_alloc_zeroed(size: usize, align: usize) -> *mut u8 {
    // SAFETY: `alloc` passes a size and alignment that form a valid layout.
    let layout = unsafe { Layout::from_size_align_unchecked(size, align) };
    // SAFETY: a null pointer allocates.
    unsafe {
        krealloc_aligned(
            ptr::null_mut(),
            layout,
            bindings::GFP_KERNEL | bindings::__GFP_ZERO,
        )
    }
}

/// Called by `alloc` to free.
///
/// # Safety
///
/// Only `alloc` calls it, with memory it got from [`__rust_alloc`] or
/// [`__rust_realloc`].
#[rustc_std_internal_symbol]
unsafe fn __rust_dealloc(ptr: *mut u8, _size: usize, _align: usize) {
    // SAFETY: `alloc` passes memory it got from `krealloc()`.
    unsafe { bindings::kfree(ptr.cast::<c_void>()) };
}

/// Called by `alloc` to resize.
///
/// # Safety
///
/// Only `alloc` calls it, with memory it got from [`__rust_alloc`] or
/// [`__rust_realloc`] and a non-zero size.
#[rustc_std_internal_symbol]
unsafe fn __rust_realloc(ptr: *mut u8, _old_size: usize, align: usize, new_size: usize) -> *mut u8 {
    // SAFETY: `alloc` passes a size and alignment that form a valid layout.
    let layout = unsafe { Layout::from_size_align_unchecked(new_size, align) };
    // SAFETY: `alloc` passes memory it got from `krealloc()`.
    unsafe { krealloc_aligned(ptr, layout, bindings::GFP_KERNEL) }
}

// `alloc` refers to a marker that only a rustc-made allocator shim is meant
// to provide, so that it cannot be used without one by accident. The kernel
// provides its allocator functions by hand on purpose. Older compilers use
// a static, newer ones a function; define both.

/// Marker expected by `alloc` (older compilers).
#[rustc_std_internal_symbol]
#[allow(non_upper_case_globals)] // The name is fixed by `alloc`.
static __rust_no_alloc_shim_is_unstable: u8 = 0;

/// Marker expected by `alloc` (newer compilers).
#[rustc_std_internal_symbol]
fn __rust_no_alloc_shim_is_unstable_v2() {}
