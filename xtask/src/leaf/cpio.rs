//! A writer for the "newc" cpio format the kernel unpacks as its
//! initramfs. Writing it here lets us put device nodes and root-owned files
//! in the archive without being root or calling cpio(1).

pub struct Cpio {
    data: Vec<u8>,
    ino: u32,
}

const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;

impl Default for Cpio {
    fn default() -> Self {
        Self::new()
    }
}

impl Cpio {
    pub fn new() -> Self {
        Self {
            data: Vec::new(),
            ino: 1,
        }
    }

    fn entry(&mut self, path: &str, mode: u32, rdev: (u32, u32), body: &[u8]) {
        let name = path.trim_start_matches('/');
        let fields = [
            self.ino,
            mode,
            0, // uid
            0, // gid
            if mode & S_IFDIR != 0 { 2 } else { 1 },
            0, // mtime: reproducible archives
            body.len() as u32,
            0,
            0,
            rdev.0,
            rdev.1,
            name.len() as u32 + 1,
            0, // check
        ];
        self.ino += 1;
        self.data.extend_from_slice(b"070701");
        for f in fields {
            self.data.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        self.data.extend_from_slice(name.as_bytes());
        self.data.push(0);
        self.pad();
        self.data.extend_from_slice(body);
        self.pad();
    }

    fn pad(&mut self) {
        while !self.data.len().is_multiple_of(4) {
            self.data.push(0);
        }
    }

    pub fn dir(&mut self, path: &str) {
        self.entry(path, S_IFDIR | 0o755, (0, 0), &[]);
    }

    pub fn file(&mut self, path: &str, mode: u32, body: &[u8]) {
        self.entry(path, S_IFREG | (mode & 0o7777), (0, 0), body);
    }

    pub fn symlink(&mut self, path: &str, target: &str) {
        self.entry(path, S_IFLNK | 0o777, (0, 0), target.as_bytes());
    }

    pub fn char_dev(&mut self, path: &str, mode: u32, major: u32, minor: u32) {
        self.entry(path, S_IFCHR | (mode & 0o7777), (major, minor), &[]);
    }

    pub fn finish(mut self) -> Vec<u8> {
        self.entry("TRAILER!!!", 0, (0, 0), &[]);
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads an archive back: (name, mode, rdev major, body).
    fn read(mut data: &[u8]) -> Vec<(String, u32, u32, Vec<u8>)> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            assert_eq!(&data[..6], b"070701", "bad magic at {offset}");
            let field = |i: usize| {
                u32::from_str_radix(
                    std::str::from_utf8(&data[6 + 8 * i..14 + 8 * i]).unwrap(),
                    16,
                )
                .unwrap()
            };
            let (mode, size, major, namesize) =
                (field(1), field(6) as usize, field(9), field(11) as usize);
            let name = std::str::from_utf8(&data[110..110 + namesize - 1])
                .unwrap()
                .to_string();
            let body_start = (110 + namesize).next_multiple_of(4);
            let body = data[body_start..body_start + size].to_vec();
            let next = (body_start + size).next_multiple_of(4);
            offset += next;
            data = &data[next..];
            if name == "TRAILER!!!" {
                assert!(data.is_empty());
                return out;
            }
            out.push((name, mode, major, body));
        }
    }

    #[test]
    fn writes_what_it_is_given() {
        let mut c = Cpio::new();
        c.dir("/dev");
        c.char_dev("/dev/console", 0o600, 5, 1);
        c.file("/init", 0o755, b"#!/bin/sh\n");
        c.symlink("/bin/sh", "busybox");
        let entries = read(&c.finish());
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0].0, "dev");
        assert_eq!(entries[0].1, 0o040755);
        assert_eq!((entries[1].1, entries[1].2), (0o020600, 5));
        assert_eq!((entries[2].0.as_str(), entries[2].1), ("init", 0o100755));
        assert_eq!(entries[2].3, b"#!/bin/sh\n");
        assert_eq!(entries[3].3, b"busybox");
    }
}
