// SPDX-License-Identifier: GPL-2.0

//! Fallible allocation for `Vec`.
//!
//! The kernel's `alloc` is built with `no_global_oom_handling`: the methods
//! that abort when memory runs out (`Box::new`, `Vec::push`...) do not
//! exist, since in the kernel running out of memory is an error to handle.
//! `Box` has `Box::try_new` (feature `allocator_api`), `Vec` has
//! `try_reserve`, and [`VecExt`] adds `try_*` counterparts of the growing
//! methods of `Vec`. Allocation failures convert to `ENOMEM`.

use alloc::vec::Vec;

use crate::error::Result;

/// Fallible growth of a [`Vec`].
pub trait VecExt<T>: Sized {
    /// Appends `value`, growing the vector if needed.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut v = Vec::new();
    /// v.try_push(1u8)?;
    /// assert_eq!(v, [1]);
    /// # Ok::<(), kernel::error::Error>(())
    /// ```
    fn try_push(&mut self, value: T) -> Result;

    /// Appends clones of the elements of `other`, growing the vector if
    /// needed. On failure the vector is unchanged.
    fn try_extend_from_slice(&mut self, other: &[T]) -> Result
    where
        T: Clone;
}

impl<T> VecExt<T> for Vec<T> {
    fn try_push(&mut self, value: T) -> Result {
        self.try_reserve(1)?;
        // There is room for one more element after the reservation.
        if self.push_within_capacity(value).is_err() {
            unreachable!("try_reserve(1) left no room");
        }
        Ok(())
    }

    fn try_extend_from_slice(&mut self, other: &[T]) -> Result
    where
        T: Clone,
    {
        self.try_reserve(other.len())?;
        for item in other {
            if self.push_within_capacity(item.clone()).is_err() {
                unreachable!("try_reserve() left no room");
            }
        }
        Ok(())
    }
}
