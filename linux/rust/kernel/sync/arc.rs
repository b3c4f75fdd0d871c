// SPDX-License-Identifier: GPL-2.0

//! Reference-counted shared ownership.
//!
//! C header: [`include/linux/refcount.h`](../../../../include/linux/refcount.h)
//!
//! [`Ref`] is the kernel's counterpart of `Arc`: the count is a
//! `refcount_t`, which saturates rather than overflows, and there are no
//! weak references. Allocation is fallible, so the constructors return a
//! [`Result`]. [`UniqueRef`] is a `Ref` known to be the only one, hence
//! mutable, for building an object before sharing it; [`RefBorrow`] is a
//! borrowed `Ref`, as C code hands it back from a `void *`.

use alloc::boxed::Box;
use core::ffi::c_void;
use core::marker::PhantomData;
use core::mem::{ManuallyDrop, MaybeUninit};
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::ptr::NonNull;

use crate::error::Result;
use crate::pinned::PinInit;
use crate::types::{ForeignOwnable, Opaque};

/// The allocation shared by the references: the count and the data.
#[repr(C)]
struct RefInner<T> {
    refcount: Opaque<bindings::refcount_t>,
    data: T,
}

/// A reference-counted pointer to a `T`.
///
/// Cloning takes a reference; dropping the last one drops the `T` and
/// frees the memory. The `T` never moves while referenced, so a `Ref` can
/// hold objects that must stay in place, such as locks (see
/// [`Ref::pin_init`]).
///
/// # Invariants
///
/// `ptr` points to a valid `RefInner` whose count includes this `Ref`.
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let a = Ref::try_new(10u32)?;
/// let b = a.clone();
/// assert_eq!(*a + *b, 20);
/// assert!(Ref::ptr_eq(&a, &b));
/// # Ok::<(), Error>(())
/// ```
pub struct Ref<T> {
    ptr: NonNull<RefInner<T>>,
    _p: PhantomData<RefInner<T>>,
}

// SAFETY: a `Ref<T>` hands out `&T` to its thread and may drop the `T` on
// it, so `T` must be `Sync` and `Send`.
unsafe impl<T: Sync + Send> Send for Ref<T> {}

// SAFETY: sharing a `Ref<T>` shares `&T` and lets other threads clone, and
// so drop, it: `T` must be `Sync` and `Send`.
unsafe impl<T: Sync + Send> Sync for Ref<T> {}

impl<T> Ref<T> {
    /// Allocates a reference-counted `data`.
    ///
    /// # Examples
    ///
    /// ```
    /// let r = kernel::sync::Ref::try_new(1u8)?;
    /// assert_eq!(*r, 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_new(data: T) -> Result<Self> {
        Ok(UniqueRef::try_new(data)?.into())
    }

    /// Allocates and initialises in place a reference-counted `T` that
    /// must not move, such as a lock.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Ref;
    ///
    /// let counter = Ref::pin_init(kernel::new_mutex!(0u32))?;
    /// *counter.lock() += 1;
    /// assert_eq!(*counter.lock(), 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn pin_init(init: impl PinInit<T>) -> Result<Self> {
        Ok(UniqueRef::pin_init(init)?.into())
    }

    /// Borrows the `Ref` without taking a reference.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::{Ref, RefBorrow};
    ///
    /// fn double(value: RefBorrow<'_, u32>) -> u32 {
    ///     *value * 2
    /// }
    ///
    /// let r = Ref::try_new(3u32)?;
    /// assert_eq!(double(r.as_ref_borrow()), 6);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn as_ref_borrow(&self) -> RefBorrow<'_, T> {
        // INVARIANT: `self` holds a reference for the borrow's lifetime.
        RefBorrow {
            inner: self.ptr,
            _p: PhantomData,
        }
    }

    /// Whether two `Ref`s point to the same object.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Ref;
    ///
    /// let a = Ref::try_new(1u8)?;
    /// let b = Ref::try_new(1u8)?;
    /// assert!(!Ref::ptr_eq(&a, &b));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        this.ptr == other.ptr
    }

    fn inner(&self) -> &RefInner<T> {
        // SAFETY: by the type invariant the allocation is valid while
        // `self` holds a reference.
        unsafe { self.ptr.as_ref() }
    }

    /// Takes over a reference given up by `into_raw`.
    ///
    /// # Safety
    ///
    /// `ptr` must come from a `Ref` whose reference is handed over.
    unsafe fn from_inner(ptr: NonNull<RefInner<T>>) -> Self {
        // INVARIANT: the caller hands over a reference.
        Ref {
            ptr,
            _p: PhantomData,
        }
    }
}

impl<T> Deref for Ref<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner().data
    }
}

impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        // SAFETY: the count is valid and non-zero since `self` holds a
        // reference.
        unsafe { bindings::refcount_inc(self.inner().refcount.get()) };
        // SAFETY: a reference was just taken for the clone.
        unsafe { Self::from_inner(self.ptr) }
    }
}

impl<T> Drop for Ref<T> {
    fn drop(&mut self) {
        // SAFETY: the count is valid since `self` holds a reference, which
        // is dropped here.
        let last = unsafe { bindings::refcount_dec_and_test(self.inner().refcount.get()) };
        if last {
            // SAFETY: the allocation came from a `Box` in
            // `UniqueRef::try_new_uninit`, and this was the last reference.
            drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
        }
    }
}

impl<T: 'static> ForeignOwnable for Ref<T> {
    type Borrowed<'a> = RefBorrow<'a, T>;

    fn into_foreign(self) -> *const c_void {
        ManuallyDrop::new(self).ptr.as_ptr() as _
    }

    unsafe fn borrow<'a>(ptr: *const c_void) -> RefBorrow<'a, T> {
        // SAFETY: the caller guarantees that `ptr` comes from
        // `into_foreign`, so is non-null, and still holds its reference.
        let inner = unsafe { NonNull::new_unchecked(ptr as *mut RefInner<T>) };
        // INVARIANT: the reference owned by C outlives the borrow, as the
        // caller guarantees.
        RefBorrow {
            inner,
            _p: PhantomData,
        }
    }

    unsafe fn from_foreign(ptr: *const c_void) -> Self {
        // SAFETY: the caller guarantees that `ptr` comes from
        // `into_foreign` and hands its reference back, once.
        unsafe { Self::from_inner(NonNull::new_unchecked(ptr as *mut RefInner<T>)) }
    }
}

/// A borrowed [`Ref`]: access to the object without touching the count,
/// e.g. for a `Ref` owned by C code as private data.
///
/// It converts into a `Ref` (taking a reference) when the object must be
/// kept beyond the borrow.
///
/// # Invariants
///
/// A reference to `inner` is held by someone else for `'a`.
///
/// # Examples
///
/// ```
/// use kernel::sync::Ref;
///
/// let r = Ref::try_new(5u32)?;
/// let borrowed = r.as_ref_borrow();
/// let kept: Ref<u32> = borrowed.into();
/// assert_eq!(*kept, 5);
/// # Ok::<(), Error>(())
/// ```
pub struct RefBorrow<'a, T> {
    inner: NonNull<RefInner<T>>,
    _p: PhantomData<&'a ()>,
}

impl<T> Clone for RefBorrow<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for RefBorrow<'_, T> {}

impl<T> Deref for RefBorrow<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: by the type invariant the object is alive for `'a`.
        unsafe { &self.inner.as_ref().data }
    }
}

impl<T> From<RefBorrow<'_, T>> for Ref<T> {
    fn from(b: RefBorrow<'_, T>) -> Self {
        // SAFETY: the count is valid and non-zero by the type invariant of
        // `RefBorrow`.
        unsafe { bindings::refcount_inc(b.inner.as_ref().refcount.get()) };
        // SAFETY: a reference was just taken.
        unsafe { Ref::from_inner(b.inner) }
    }
}

/// A [`Ref`] that is the only reference to its object, hence mutable.
///
/// Objects are built in a `UniqueRef`, then shared by converting it into
/// a `Ref`.
///
/// # Invariants
///
/// The count of `inner` is one.
///
/// # Examples
///
/// ```
/// use kernel::sync::{Ref, UniqueRef};
///
/// let mut v = UniqueRef::try_new(Vec::new())?;
/// v.try_push(1u32)?;
/// let shared: Ref<Vec<u32>> = v.into();
/// assert_eq!(shared.len(), 1);
/// # Ok::<(), Error>(())
/// ```
pub struct UniqueRef<T> {
    inner: Ref<T>,
}

impl<T> UniqueRef<T> {
    /// Allocates a `UniqueRef` holding `value`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut u = kernel::sync::UniqueRef::try_new(1u32)?;
    /// *u += 1;
    /// assert_eq!(*u, 2);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_new(value: T) -> Result<Self> {
        Ok(Self::try_new_uninit()?.write(value))
    }

    /// Allocates a `UniqueRef` whose contents are still to be written.
    ///
    /// # Examples
    ///
    /// ```
    /// let u = kernel::sync::UniqueRef::<u64>::try_new_uninit()?;
    /// let u = u.write(7);
    /// assert_eq!(*u, 7);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn try_new_uninit() -> Result<UniqueRef<MaybeUninit<T>>> {
        let inner = Box::try_new(RefInner {
            refcount: Opaque::new(bindings::refcount_t {
                refs: bindings::atomic_t { counter: 1 },
            }),
            data: MaybeUninit::<T>::uninit(),
        })?;
        // INVARIANT: the count starts at one, for the only reference.
        // SAFETY: the pointer comes from a `Box`, and its reference is
        // handed over.
        let inner = unsafe { Ref::from_inner(NonNull::from(Box::leak(inner))) };
        Ok(UniqueRef { inner })
    }

    /// Allocates and initialises in place a `T` that must not move.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::UniqueRef;
    ///
    /// let lock = UniqueRef::pin_init(kernel::new_spinlock!(1u32, "example"))?;
    /// assert_eq!(*lock.lock(), 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn pin_init(init: impl PinInit<T>) -> Result<Pin<Self>> {
        let mut uninit = Self::try_new_uninit()?;
        // SAFETY: the memory is valid and aligned and never moves: the
        // result is pinned below before any use.
        unsafe { init.__pinned_init(uninit.as_mut_ptr())? };
        // SAFETY: the object was initialised just above.
        Ok(unsafe { uninit.assume_init() }.into())
    }
}

impl<T> UniqueRef<MaybeUninit<T>> {
    /// Writes the contents.
    ///
    /// # Examples
    ///
    /// ```
    /// let u = kernel::sync::UniqueRef::<u8>::try_new_uninit()?.write(1);
    /// assert_eq!(*u, 1);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn write(mut self, value: T) -> UniqueRef<T> {
        (*self).write(value);
        // SAFETY: the contents were just written.
        unsafe { self.assume_init() }
    }

    /// Asserts that the contents are initialised.
    ///
    /// # Safety
    ///
    /// The contents must have been initialised.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut u = kernel::sync::UniqueRef::<u8>::try_new_uninit()?;
    /// (*u).write(4);
    /// // SAFETY: the contents were written just above.
    /// let u = unsafe { u.assume_init() };
    /// assert_eq!(*u, 4);
    /// # Ok::<(), Error>(())
    /// ```
    pub unsafe fn assume_init(self) -> UniqueRef<T> {
        let ptr = ManuallyDrop::new(self).inner.ptr;
        // INVARIANT: the count is still one.
        // SAFETY: `MaybeUninit<T>` has the layout of `T` and the caller
        // guarantees it is initialised; the reference is handed over.
        let inner = unsafe { Ref::from_inner(ptr.cast::<RefInner<T>>()) };
        UniqueRef { inner }
    }
}

impl<T> From<UniqueRef<T>> for Ref<T> {
    fn from(u: UniqueRef<T>) -> Self {
        u.inner
    }
}

impl<T> From<Pin<UniqueRef<T>>> for Ref<T> {
    fn from(u: Pin<UniqueRef<T>>) -> Self {
        // SAFETY: the `T` keeps its address in the `Ref`, which never
        // moves or hands out mutable references to its contents.
        unsafe { Pin::into_inner_unchecked(u) }.inner
    }
}

impl<T> From<UniqueRef<T>> for Pin<UniqueRef<T>> {
    fn from(u: UniqueRef<T>) -> Self {
        // SAFETY: the contents are on the heap, so moving the `UniqueRef`
        // does not move them.
        unsafe { Pin::new_unchecked(u) }
    }
}

impl<T> Deref for UniqueRef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for UniqueRef<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: by the type invariant this is the only reference, so no
        // one else can access the data.
        unsafe { &mut (*self.inner.ptr.as_ptr()).data }
    }
}
