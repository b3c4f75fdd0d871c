//! Kconfig text: reading `.config` files and fragments, and holding a
//! configuration to the fragments it was made from.

use anyhow::{bail, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The fragment file for a name or a path: a name is
/// `tests/configs/NAME.config` under the repository `root`.
pub fn fragment_path(root: &Path, name: &str) -> Result<PathBuf> {
    let path = if name.contains('/') {
        PathBuf::from(name)
    } else {
        root.join("tests/configs").join(format!("{name}.config"))
    };
    if !path.is_file() {
        bail!("no Kconfig fragment {} (for `{name}`)", path.display());
    }
    Ok(path)
}

/// The fragments `names` (see `fragment_path`) one after the other, each
/// under a comment naming its file: one `KCONFIG_ALLCONFIG` file.
pub fn read_fragments(root: &Path, names: &[String]) -> Result<String> {
    let mut fragment = String::new();
    for name in names {
        let path = fragment_path(root, name)?;
        fragment += &format!("# {}\n", path.display());
        fragment += &fs::read_to_string(&path)?;
        fragment.push('\n');
    }
    Ok(fragment)
}

/// `CONFIG_FOO` to its value, `n` for `# CONFIG_FOO is not set`.
pub fn parse_config(text: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("# ") {
            if let Some(sym) = rest.strip_suffix(" is not set") {
                map.insert(sym.to_string(), "n".to_string());
            }
        } else if let Some((k, v)) = line.split_once('=') {
            if k.starts_with("CONFIG_") {
                map.insert(k.to_string(), v.to_string());
            }
        }
    }
    map
}

/// Every option a fragment asks for must be in the final configuration:
/// a misspelt or unreachable option is an error, not a silent no-op.
pub fn check_config(fragment: &str, config: &str) -> Result<()> {
    let want = parse_config(fragment);
    let have = parse_config(config);
    let mut wrong = Vec::new();
    for (k, v) in &want {
        let got = have.get(k).map(String::as_str).unwrap_or("n");
        if got != v {
            wrong.push(format!("{k}={v} (got {got})"));
        }
    }
    if !wrong.is_empty() {
        bail!(
            "these options did not take effect (misspelt, or a dependency is missing):\n  {}",
            wrong.join("\n  ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_that_fragments_took_effect() {
        let fragment =
            "CONFIG_GPIOLIB=y\n# CONFIG_DEBUG_INFO is not set\nCONFIG_LOG_BUF_SHIFT=14\n";
        let good = "CONFIG_GPIOLIB=y\nCONFIG_LOG_BUF_SHIFT=14\n";
        check_config(fragment, good).unwrap();
        let bad = "# CONFIG_GPIOLIB is not set\nCONFIG_DEBUG_INFO=y\nCONFIG_LOG_BUF_SHIFT=17\n";
        let err = check_config(fragment, bad).unwrap_err().to_string();
        assert!(err.contains("CONFIG_GPIOLIB=y (got n)"), "{err}");
        assert!(err.contains("CONFIG_DEBUG_INFO=n (got y)"), "{err}");
        assert!(err.contains("CONFIG_LOG_BUF_SHIFT=14 (got 17)"), "{err}");
    }
}
