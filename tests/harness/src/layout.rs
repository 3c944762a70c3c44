//! Where a test or program binary sits in cargo's target directory, read from the binary's own path.
//! Cargo writes `CACHEDIR.TAG` only into a target directory it created itself, so that marker cannot
//! be relied on: CI, a cache restore or a tool may have made the directory first.

use std::path::{Path, PathBuf};

/// `<target>/<profile>` (or `<target>/<triple>/<profile>`) holding the running binary.
pub fn profile_dir() -> Result<PathBuf, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot locate the running binary: {e}"))?;
    profile_dir_of(&exe)
}

/// The target directory holding the running binary.
pub fn target_dir() -> Result<PathBuf, String> {
    let profile = profile_dir()?;
    profile
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{} has no parent directory", profile.display()))
}

/// Tests and examples live in `<profile>/deps` and `<profile>/examples`, programs in `<profile>`.
fn profile_dir_of(exe: &Path) -> Result<PathBuf, String> {
    let dir = exe
        .parent()
        .ok_or_else(|| format!("{} is not inside a directory", exe.display()))?;
    let nested = dir
        .file_name()
        .is_some_and(|name| name == "deps" || name == "examples");
    let profile = if nested { dir.parent() } else { Some(dir) };
    profile
        .filter(|p| p.parent().is_some())
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{} is not inside a cargo target directory", exe.display()))
}

#[cfg(test)]
mod tests {
    use super::profile_dir_of;
    use std::path::Path;

    #[test]
    fn a_test_binary_is_two_levels_below_its_profile() {
        let dir = profile_dir_of(Path::new("/var/tmp/made-by-ci/debug/deps/data-0123abcd"));
        assert_eq!(
            dir,
            Ok(Path::new("/var/tmp/made-by-ci/debug").to_path_buf())
        );
    }

    #[test]
    fn a_program_sits_in_its_profile() {
        let dir = profile_dir_of(Path::new("/work/target/release/sync-bench"));
        assert_eq!(dir, Ok(Path::new("/work/target/release").to_path_buf()));
    }

    #[test]
    fn a_binary_at_the_root_is_refused() {
        assert!(profile_dir_of(Path::new("/deps/x")).is_err());
    }
}
