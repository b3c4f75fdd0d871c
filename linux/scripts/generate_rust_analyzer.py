#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes rust-project.json, the project file of rust-analyzer.

rust-analyzer cannot work out by itself how the kernel's Rust code is
built: there is no Cargo. This describes the crates (core, alloc, the
crates in rust/ and one crate per Rust object elsewhere), their
dependencies and the cfg flags of the configuration.

Usage: generate_rust_analyzer.py SRCTREE OBJTREE RUST_LIB_SRC [EXTMOD]
"""

import json
import os
import pathlib
import re
import sys


def read_cfgs(objtree):
    """The --cfg flags of include/generated/rustc_cfg, as rust-analyzer
    wants them (`NAME` or `NAME="value"`)."""
    cfg_file = objtree / "include" / "generated" / "rustc_cfg"
    if not cfg_file.exists():
        return []
    return [line[len("--cfg="):] for line in cfg_file.read_text().splitlines()
            if line.startswith("--cfg=")]


def crate_edition(cargo_toml):
    match = re.search(r'^edition\s*=\s*"(\d+)"', cargo_toml.read_text(), re.M)
    return match.group(1) if match else "2021"


class Crates:
    def __init__(self):
        self.crates = []
        self.index = {}

    def add(self, name, root, deps, cfg=(), edition="2021", is_proc_macro=False,
            proc_macro_dylib=None, env=None, is_workspace_member=True):
        crate = {
            "display_name": name,
            "root_module": str(root),
            "is_workspace_member": is_workspace_member,
            "is_proc_macro": is_proc_macro,
            "deps": [{"crate": self.index[d], "name": d} for d in deps],
            "cfg": list(cfg),
            "edition": edition,
            "env": env or {},
        }
        if proc_macro_dylib:
            crate["proc_macro_dylib_path"] = str(proc_macro_dylib)
        self.index[name] = len(self.crates)
        self.crates.append(crate)


def main():
    srctree = pathlib.Path(sys.argv[1])
    objtree = pathlib.Path(sys.argv[2])
    lib_src = pathlib.Path(sys.argv[3])
    extmod = pathlib.Path(sys.argv[4]) if len(sys.argv) > 4 else None
    cfgs = read_cfgs(objtree)
    env = {"OBJTREE": str(objtree)}

    crates = Crates()
    crates.add("core", lib_src / "core" / "src" / "lib.rs", [],
               cfg=["no_fp_fmt_parse"],
               edition=crate_edition(lib_src / "core" / "Cargo.toml"),
               is_workspace_member=False)
    crates.add("compiler_builtins", srctree / "rust" / "compiler_builtins.rs", ["core"])
    crates.add("alloc", lib_src / "alloc" / "src" / "lib.rs", ["core", "compiler_builtins"],
               cfg=["no_global_oom_handling", "no_rc", "no_sync"],
               edition=crate_edition(lib_src / "alloc" / "Cargo.toml"),
               is_workspace_member=False)
    crates.add("macros", srctree / "rust" / "macros" / "lib.rs", [],
               is_proc_macro=True, proc_macro_dylib=objtree / "rust" / "libmacros.so")
    crates.add("build_error", srctree / "rust" / "build_error.rs", ["core", "compiler_builtins"])
    crates.add("bindings", srctree / "rust" / "bindings" / "lib.rs", ["core"],
               cfg=cfgs, env=env)
    crates.add("kernel", srctree / "rust" / "kernel" / "lib.rs",
               ["core", "alloc", "macros", "build_error", "bindings"], cfg=cfgs, env=env)

    # Every other Rust file that was built into an object is a crate of its
    # own, using the kernel crate.
    tree = extmod if extmod else srctree
    for path in sorted(tree.rglob("*.rs")):
        rel = path.relative_to(tree)
        if rel.parts[0] in ("rust", "scripts", "tools") and not extmod:
            continue
        obj = (extmod if extmod else objtree) / rel.with_suffix(".o")
        if not obj.exists():
            continue
        crates.add(path.stem, path, ["core", "alloc", "kernel", "macros"], cfg=cfgs)

    json.dump({"crates": crates.crates, "sysroot_src": str(lib_src)}, sys.stdout,
              sort_keys=True, indent=4)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
