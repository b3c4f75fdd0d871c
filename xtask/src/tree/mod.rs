//! Layer 4, the tree: `build/tree` checked out for building and hacking,
//! the way back from its commits to the repository's files, and the series
//! exported as patches.

/// Brings `build/tree` up to date with the series.
pub mod checkout;
/// `git format-patch`, the `git am` round trip and checkpatch.
pub mod export;
/// Commits in `build/tree` back into `linux/`, `diffs/` and `series.toml`.
pub mod sync;
