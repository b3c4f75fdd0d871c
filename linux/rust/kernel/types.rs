// SPDX-License-Identifier: GPL-2.0

//! Common types: fallible allocation for `Vec`, and the types that wrap C
//! objects ([`Opaque`], [`ARef`], [`ForeignOwnable`]) or clean up after
//! them ([`ScopeGuard`]).
//!
//! The kernel's `alloc` is built with `no_global_oom_handling`: the methods
//! that abort when memory runs out (`Box::new`, `Vec::push`...) do not
//! exist, since in the kernel running out of memory is an error to handle.
//! `Box` has `Box::try_new` (feature `allocator_api`), `Vec` has
//! `try_reserve`, and [`VecExt`] adds `try_*` counterparts of the growing
//! methods of `Vec`. Allocation failures convert to `ENOMEM`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::marker::{PhantomData, PhantomPinned};
use core::mem::{ManuallyDrop, MaybeUninit};
use core::ops::Deref;
use core::ptr::NonNull;

use crate::error::Result;
use crate::pinned::{pin_init_from_closure, PinInit};

/// Fallible growth of a [`Vec`].
///
/// It is in the prelude.
///
/// # Examples
///
/// ```
/// fn squares(n: u32) -> Result<Vec<u32>> {
///     let mut v = Vec::new();
///     for i in 1..=n {
///         v.try_push(i * i)?;
///     }
///     v.try_extend_from_slice(&[0, 0])?;
///     Ok(v)
/// }
///
/// assert_eq!(squares(3)?, [1, 4, 9, 0, 0]);
/// # Ok::<(), Error>(())
/// ```
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
    ///
    /// # Examples
    ///
    /// ```
    /// let mut v = Vec::new();
    /// v.try_extend_from_slice(&[1u8, 2])?;
    /// assert_eq!(v, [1, 2]);
    /// # Ok::<(), kernel::error::Error>(())
    /// ```
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

/// Storage for a C object that Rust code does not look into.
///
/// The C side may change the object at any time, including while Rust
/// holds a shared reference to the wrapper, and may keep pointers to it:
/// so the contents are interior-mutable, possibly uninitialised, and the
/// wrapper is `!Unpin`. Wrappers of C structures are
/// `#[repr(transparent)]` over an `Opaque<bindings::foo>` and reach the C
/// object only through [`Opaque::get`] and [`Opaque::raw_get`].
///
/// # Examples
///
/// ```
/// use kernel::types::Opaque;
///
/// let value = Opaque::new(7u32);
/// // SAFETY: `value` was initialised above and nothing else accesses it.
/// assert_eq!(unsafe { *value.get() }, 7);
/// ```
#[repr(transparent)]
pub struct Opaque<T> {
    value: UnsafeCell<MaybeUninit<T>>,
    _pin: PhantomPinned,
}

impl<T> Opaque<T> {
    /// Wraps an initialised value.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::types::Opaque;
    ///
    /// let value = Opaque::new(0x55aau16);
    /// // SAFETY: `value` was initialised above and nothing else accesses it.
    /// assert_eq!(unsafe { value.get().read() }, 0x55aa);
    /// ```
    pub const fn new(value: T) -> Self {
        Self {
            value: UnsafeCell::new(MaybeUninit::new(value)),
            _pin: PhantomPinned,
        }
    }

    /// Makes storage whose contents are still to be initialised, usually
    /// by a C function once the storage is at its final address.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::types::Opaque;
    ///
    /// let value = Opaque::<u64>::uninit();
    /// // What a C `foo_init()` would do, given the pointer.
    /// // SAFETY: `value` is valid for writes and nothing else accesses it.
    /// unsafe { value.get().write(11) };
    /// // SAFETY: the value was initialised just above.
    /// assert_eq!(unsafe { value.get().read() }, 11);
    /// ```
    pub const fn uninit() -> Self {
        Self {
            value: UnsafeCell::new(MaybeUninit::uninit()),
            _pin: PhantomPinned,
        }
    }

    /// Makes zero-filled storage, for C structures that are valid when
    /// zeroed.
    ///
    /// # Examples
    ///
    /// ```
    /// let value = kernel::types::Opaque::<u64>::zeroed();
    /// // SAFETY: zeroes are a valid `u64` and nothing else accesses it.
    /// assert_eq!(unsafe { *value.get() }, 0);
    /// ```
    pub const fn zeroed() -> Self {
        Self {
            value: UnsafeCell::new(MaybeUninit::zeroed()),
            _pin: PhantomPinned,
        }
    }

    /// An initialiser of the storage by `init`, which gets a raw pointer
    /// to it at its final address: the usual way to call a C
    /// `foo_init()` function on an object that must not move.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::pinned::InPlaceInit;
    /// use kernel::types::Opaque;
    ///
    /// let value = Box::pin_init(Opaque::ffi_init(|p: *mut u32| {
    ///     // SAFETY: `p` points to the storage, valid for writes.
    ///     unsafe { p.write(3) };
    /// }))?;
    /// // SAFETY: the storage was initialised above and nothing else
    /// // accesses it.
    /// assert_eq!(unsafe { *value.get() }, 3);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn ffi_init(init: impl FnOnce(*mut T)) -> impl PinInit<Self> {
        let init = move |slot: *mut Self| -> Result {
            init(Self::raw_get(slot));
            Ok(())
        };
        // SAFETY: an `Opaque` is valid whatever its contents, initialised
        // or not, and the closure cannot fail.
        unsafe { pin_init_from_closure(init) }
    }

    /// A raw pointer to the wrapped object, for C functions.
    ///
    /// # Examples
    ///
    /// ```
    /// let value = kernel::types::Opaque::new(1i32);
    /// assert!(!value.get().is_null());
    /// ```
    pub const fn get(&self) -> *mut T {
        UnsafeCell::get(&self.value).cast()
    }

    /// A raw pointer to the wrapped object of the `Opaque` at `this`,
    /// without making a reference to it: `this` may point to memory
    /// that is not yet initialised.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::types::Opaque;
    ///
    /// let value = Opaque::new(1i32);
    /// assert_eq!(Opaque::raw_get(&value), value.get());
    /// ```
    pub const fn raw_get(this: *const Self) -> *mut T {
        UnsafeCell::raw_get(this.cast::<UnsafeCell<MaybeUninit<T>>>()).cast()
    }
}

/// Objects whose lifetime is managed by a reference count they always
/// carry, typically C objects with `foo_get()` and `foo_put()` functions.
///
/// Such objects are held by Rust code through an [`ARef`].
///
/// # Safety
///
/// Implementers must make sure that [`inc_ref`] really takes a reference
/// and [`dec_ref`] drops one, and that the object stays valid while any
/// reference is held. A shared reference to the object (`&Self`) must
/// only exist while a reference count is held, by its holder.
///
/// [`inc_ref`]: AlwaysRefCounted::inc_ref
/// [`dec_ref`]: AlwaysRefCounted::dec_ref
///
/// # Examples
///
/// See [`crate::task::Task`].
///
/// ```
/// use kernel::task::Task;
/// use kernel::types::ARef;
///
/// let me: ARef<Task> = ARef::from(&*Task::current());
/// let again = me.clone();
/// assert_eq!(me.pid(), again.pid());
/// ```
pub unsafe trait AlwaysRefCounted {
    /// Takes a new reference to the object.
    ///
    /// Usually called through [`ARef`]'s `From<&T>` and `Clone`.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::ptr::NonNull;
    /// use kernel::task::Task;
    /// use kernel::types::{ARef, AlwaysRefCounted};
    ///
    /// let current = Task::current();
    /// current.inc_ref();
    /// // SAFETY: the reference taken just above is handed over, and dropped
    /// // with the `ARef`.
    /// let task = unsafe { ARef::from_raw(NonNull::from(&*current)) };
    /// assert_eq!(task.pid(), current.pid());
    /// ```
    fn inc_ref(&self);

    /// Drops a reference to the object, freeing it when it was the last.
    ///
    /// # Safety
    ///
    /// The caller must own the reference being dropped, and must not use
    /// `obj` afterwards (unless through another reference it owns).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::task::Task;
    /// use kernel::types::{ARef, AlwaysRefCounted};
    ///
    /// let task = ARef::from(&*Task::current());
    /// let pid = task.pid();
    /// let ptr = ARef::into_raw(task);
    /// // SAFETY: `ptr` carries the reference `task` owned, dropped here
    /// // and not used afterwards.
    /// unsafe { Task::dec_ref(ptr) };
    /// // The current task is alive as long as it runs.
    /// assert_eq!(Task::current().pid(), pid);
    /// ```
    unsafe fn dec_ref(obj: NonNull<Self>);
}

/// An owned reference to an always-refcounted object.
///
/// Cloning takes a new reference, dropping gives it back.
///
/// # Invariants
///
/// `ptr` points to a valid object of which this `ARef` owns a reference.
///
/// # Examples
///
/// ```
/// use kernel::task::Task;
/// use kernel::types::ARef;
///
/// let current: ARef<Task> = ARef::from(&*Task::current());
/// pr_info!("running in pid {}\n", current.pid());
///
/// // Another reference to the same task.
/// let again = current.clone();
/// assert!(core::ptr::eq(&*again, &*current));
/// ```
pub struct ARef<T: AlwaysRefCounted> {
    ptr: NonNull<T>,
    _p: PhantomData<T>,
}

// SAFETY: an `ARef<T>` hands out `&T` to any thread and may drop the last
// reference on any thread, so `T` must be `Sync` and `Send`.
unsafe impl<T: AlwaysRefCounted + Sync + Send> Send for ARef<T> {}

// SAFETY: as for `Send`, sharing an `ARef<T>` shares `&T`, and clones may
// be dropped on other threads.
unsafe impl<T: AlwaysRefCounted + Sync + Send> Sync for ARef<T> {}

impl<T: AlwaysRefCounted> ARef<T> {
    /// Takes ownership of a reference the caller already holds, without
    /// incrementing the count.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid object and the caller must own a
    /// reference to it, which the `ARef` takes over.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::ptr::NonNull;
    /// use kernel::task::Task;
    /// use kernel::types::{ARef, AlwaysRefCounted};
    ///
    /// let task = Task::current();
    /// task.inc_ref();
    /// // SAFETY: the reference taken just above is handed over.
    /// let owned = unsafe { ARef::from_raw(NonNull::from(&*task)) };
    /// assert_eq!(owned.pid(), task.pid());
    /// ```
    pub unsafe fn from_raw(ptr: NonNull<T>) -> Self {
        // INVARIANT: the caller hands over a reference to a valid object.
        Self {
            ptr,
            _p: PhantomData,
        }
    }

    /// Gives up ownership of the reference without dropping it, returning
    /// the pointer; [`ARef::from_raw`] takes it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::task::Task;
    /// use kernel::types::ARef;
    ///
    /// let owned = ARef::from(&*Task::current());
    /// let ptr = ARef::into_raw(owned);
    /// assert_eq!(ptr.as_ptr().cast_const(), core::ptr::from_ref(&*Task::current()));
    /// // SAFETY: `ptr` carries the reference `owned` held.
    /// let owned = unsafe { ARef::from_raw(ptr) };
    /// assert_eq!(owned.pid(), Task::current().pid());
    /// ```
    pub fn into_raw(this: Self) -> NonNull<T> {
        ManuallyDrop::new(this).ptr
    }
}

impl<T: AlwaysRefCounted> Clone for ARef<T> {
    fn clone(&self) -> Self {
        self.inc_ref();
        // SAFETY: a new reference was just taken for the clone.
        unsafe { Self::from_raw(self.ptr) }
    }
}

impl<T: AlwaysRefCounted> Deref for ARef<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: by the type invariant the object is valid while this
        // reference is held.
        unsafe { self.ptr.as_ref() }
    }
}

impl<T: AlwaysRefCounted> From<&T> for ARef<T> {
    fn from(obj: &T) -> Self {
        obj.inc_ref();
        // SAFETY: a new reference was just taken.
        unsafe { Self::from_raw(NonNull::from(obj)) }
    }
}

impl<T: AlwaysRefCounted> Drop for ARef<T> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant this `ARef` owns a reference, which
        // it gives back and never uses again.
        unsafe { T::dec_ref(self.ptr) };
    }
}

/// Rust objects that can be handed to C code as a `void *` and back: the
/// private data of files, devices and callbacks.
///
/// [`ForeignOwnable::into_foreign`] gives ownership to C;
/// [`ForeignOwnable::borrow`] looks at the object while C still owns it;
/// [`ForeignOwnable::from_foreign`] takes it back.
///
/// # Examples
///
/// ```
/// use kernel::types::ForeignOwnable;
///
/// let ptr = Box::try_new(42u32)?.into_foreign();
/// // SAFETY: `ptr` came from `into_foreign` and was not taken back.
/// assert_eq!(*unsafe { <Box<u32>>::borrow(ptr) }, 42);
/// // SAFETY: `ptr` came from `into_foreign` and is taken back only once.
/// let b = unsafe { <Box<u32>>::from_foreign(ptr) };
/// assert_eq!(*b, 42);
/// # Ok::<(), Error>(())
/// ```
pub trait ForeignOwnable: Sized {
    /// What [`ForeignOwnable::borrow`] returns.
    type Borrowed<'a>;

    /// Hands the object over to C as a raw pointer.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Ref;
    /// use kernel::types::ForeignOwnable;
    ///
    /// let shared = Ref::try_new(7u32)?;
    /// // As C's `dev_set_drvdata()` would keep it.
    /// let ptr = shared.clone().into_foreign();
    /// assert!(!ptr.is_null());
    /// // SAFETY: `ptr` came from `into_foreign` and is taken back once.
    /// let back = unsafe { <Ref<u32>>::from_foreign(ptr) };
    /// assert!(Ref::ptr_eq(&back, &shared));
    /// # Ok::<(), Error>(())
    /// ```
    fn into_foreign(self) -> *const c_void;

    /// Borrows an object that C owns.
    ///
    /// # Safety
    ///
    /// `ptr` must come from [`ForeignOwnable::into_foreign`] for this
    /// type, and [`ForeignOwnable::from_foreign`] must not be called on it
    /// while the borrow lives.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::sync::Ref;
    /// use kernel::types::ForeignOwnable;
    ///
    /// let ptr = Ref::try_new(3u64)?.into_foreign();
    /// {
    ///     // What a C callback given `ptr` does, without taking ownership.
    ///     // SAFETY: `ptr` came from `into_foreign`, and is not taken back
    ///     // while `value` lives.
    ///     let value = unsafe { <Ref<u64>>::borrow(ptr) };
    ///     assert_eq!(*value, 3);
    /// }
    /// // SAFETY: `ptr` came from `into_foreign`, the borrow is over, and it
    /// // is taken back once.
    /// drop(unsafe { <Ref<u64>>::from_foreign(ptr) });
    /// # Ok::<(), Error>(())
    /// ```
    unsafe fn borrow<'a>(ptr: *const c_void) -> Self::Borrowed<'a>;

    /// Takes the object back from C.
    ///
    /// # Safety
    ///
    /// `ptr` must come from [`ForeignOwnable::into_foreign`] for this
    /// type, must not have been taken back already, and no borrow of it
    /// may outlive this call.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::types::ForeignOwnable;
    ///
    /// let ptr = Box::try_new([1u8, 2, 3])?.into_foreign();
    /// // What a C `remove` callback does with the data `probe` handed over.
    /// // SAFETY: `ptr` came from `into_foreign` and is taken back once.
    /// let data = unsafe { <Box<[u8; 3]>>::from_foreign(ptr) };
    /// assert_eq!(*data, [1, 2, 3]);
    /// # Ok::<(), Error>(())
    /// ```
    unsafe fn from_foreign(ptr: *const c_void) -> Self;
}

impl<T: 'static> ForeignOwnable for Box<T> {
    type Borrowed<'a> = &'a T;

    fn into_foreign(self) -> *const c_void {
        Box::into_raw(self) as _
    }

    unsafe fn borrow<'a>(ptr: *const c_void) -> &'a T {
        // SAFETY: the caller guarantees that `ptr` comes from `into_raw`
        // and is still owned by C, hence valid.
        unsafe { &*ptr.cast() }
    }

    unsafe fn from_foreign(ptr: *const c_void) -> Self {
        // SAFETY: the caller guarantees that `ptr` comes from `into_raw`
        // and is taken back once.
        unsafe { Box::from_raw(ptr as *mut T) }
    }
}

impl ForeignOwnable for () {
    type Borrowed<'a> = ();

    fn into_foreign(self) -> *const c_void {
        // Any non-null pointer will do; it is never dereferenced.
        NonNull::dangling().as_ptr()
    }

    unsafe fn borrow<'a>(_: *const c_void) -> Self::Borrowed<'a> {}

    unsafe fn from_foreign(_: *const c_void) -> Self {}
}

/// Runs a closure when dropped, unless dismissed: cleanup on every exit
/// path of a function, including early returns on errors.
///
/// # Examples
///
/// ```
/// use kernel::types::ScopeGuard;
///
/// let mut cleaned = false;
/// {
///     let _guard = ScopeGuard::new(|| cleaned = true);
/// }
/// assert!(cleaned);
///
/// let guard = ScopeGuard::new(|| pr_info!("not printed\n"));
/// guard.dismiss();
/// ```
pub struct ScopeGuard<F: FnOnce()>(Option<F>);

impl<F: FnOnce()> ScopeGuard<F> {
    /// Makes a guard that runs `cleanup` when dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::cell::Cell;
    /// use kernel::types::ScopeGuard;
    ///
    /// // Undoes the first step if the second one fails.
    /// fn two_steps(fail: bool, undone: &Cell<u32>) -> Result {
    ///     let undo = ScopeGuard::new(|| undone.set(undone.get() + 1));
    ///     if fail {
    ///         return Err(EIO);
    ///     }
    ///     undo.dismiss();
    ///     Ok(())
    /// }
    ///
    /// let undone = Cell::new(0);
    /// assert_eq!(two_steps(false, &undone), Ok(()));
    /// assert_eq!(undone.get(), 0);
    /// assert_eq!(two_steps(true, &undone), Err(EIO));
    /// assert_eq!(undone.get(), 1);
    /// ```
    pub fn new(cleanup: F) -> Self {
        Self(Some(cleanup))
    }

    /// Drops the guard without running the closure.
    ///
    /// # Examples
    ///
    /// ```
    /// use core::cell::Cell;
    /// use kernel::types::ScopeGuard;
    ///
    /// let ran = Cell::new(false);
    /// let guard = ScopeGuard::new(|| ran.set(true));
    /// guard.dismiss();
    /// assert!(!ran.get());
    /// ```
    pub fn dismiss(mut self) {
        self.0 = None;
    }
}

impl<F: FnOnce()> Drop for ScopeGuard<F> {
    fn drop(&mut self) {
        if let Some(cleanup) = self.0.take() {
            cleanup();
        }
    }
}
