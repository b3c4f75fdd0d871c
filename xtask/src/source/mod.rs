//! Layer 3, the source: the base the series applies to, the repository in
//! `build/tree` that holds it, and the series made into commits on it.

/// The pristine base (or `LINUX_BASE`) as a git commit.
pub mod base;
/// The repository in `build/tree` and its work trees.
pub mod repo;
/// The series applied to the base, one commit per patch.
pub mod series;
