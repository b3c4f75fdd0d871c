//! A small command-line parser: a command, then `--flag`, `--key VALUE`
//! (or `--key=VALUE`) options, checked by each command.

use anyhow::{bail, Result};

pub struct Args {
    rest: Vec<String>,
}

impl Args {
    pub fn from_env() -> Self {
        Self::from_vec(std::env::args().skip(1).collect())
    }

    pub fn from_vec(rest: Vec<String>) -> Self {
        Self { rest }
    }

    /// Takes the command word, if any.
    pub fn command(&mut self) -> Option<String> {
        if self.rest.first().is_some_and(|a| !a.starts_with('-')) {
            Some(self.rest.remove(0))
        } else {
            None
        }
    }

    /// Takes a boolean `--name` flag.
    pub fn flag(&mut self, name: &str) -> bool {
        let long = format!("--{name}");
        let before = self.rest.len();
        self.rest.retain(|a| *a != long);
        self.rest.len() != before
    }

    /// Takes every value of a `--name VALUE` option, in order.
    pub fn values(&mut self, name: &str) -> Result<Vec<String>> {
        let long = format!("--{name}");
        let prefix = format!("--{name}=");
        let mut values = Vec::new();
        let mut i = 0;
        while i < self.rest.len() {
            if self.rest[i] == long {
                if i + 1 >= self.rest.len() {
                    bail!("{long} needs a value");
                }
                values.push(self.rest.remove(i + 1));
                self.rest.remove(i);
            } else if let Some(v) = self.rest[i].strip_prefix(&prefix) {
                values.push(v.to_string());
                self.rest.remove(i);
            } else {
                i += 1;
            }
        }
        Ok(values)
    }

    /// Takes a `--name VALUE` option given at most once.
    pub fn value(&mut self, name: &str) -> Result<Option<String>> {
        let mut v = self.values(name)?;
        if v.len() > 1 {
            bail!("--{name} given more than once");
        }
        Ok(v.pop())
    }

    /// Fails on anything no command took.
    pub fn finish(&self) -> Result<()> {
        if let Some(a) = self.rest.first() {
            bail!("unexpected argument `{a}` (see `cargo xtask help`)");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Args {
        Args::from_vec(s.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn parses_command_flags_and_values() {
        let mut a = args("build --arch arm64 --config=gpio --config pl061-c --verbose");
        assert_eq!(a.command().as_deref(), Some("build"));
        assert!(a.flag("verbose"));
        assert!(!a.flag("force"));
        assert_eq!(a.value("arch").unwrap().as_deref(), Some("arm64"));
        assert_eq!(a.values("config").unwrap(), ["gpio", "pl061-c"]);
        a.finish().unwrap();
    }

    #[test]
    fn rejects_leftovers_and_missing_values() {
        let mut a = args("boot --scenario");
        a.command();
        assert!(a.value("scenario").is_err());
        let mut b = args("tree --frobnicate");
        b.command();
        assert!(b.finish().is_err());
        let mut c = args("build --arch a --arch b");
        c.command();
        assert!(c.value("arch").is_err());
    }
}
