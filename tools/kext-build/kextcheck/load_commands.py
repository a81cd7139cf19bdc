"""The kext binary's Mach-O header and load commands, as llvm-objdump prints them."""
import re
import subprocess
from dataclasses import dataclass, field

# What a kext must not contain: dyld's binding opcodes and dylib links (kxld links kexts from
# relocations and the symbol table only) and lazy-binding stubs, which nothing in the kernel fills.
FORBIDDEN_COMMANDS = {
    "LC_DYLD_INFO", "LC_DYLD_INFO_ONLY", "LC_DYLD_CHAINED_FIXUPS", "LC_DYLD_EXPORTS_TRIE",
    "LC_LOAD_DYLIB", "LC_LOAD_WEAK_DYLIB", "LC_REEXPORT_DYLIB", "LC_LAZY_LOAD_DYLIB",
    "LC_LOAD_UPWARD_DYLIB", "LC_LOAD_DYLINKER", "LC_MAIN",
}
REQUIRED_COMMANDS = {"LC_SEGMENT_64", "LC_SYMTAB", "LC_DYSYMTAB"}
FORBIDDEN_SECTIONS = {
    "__stubs": "stubs are never bound in the kernel",
    "__stub_helper": "stubs are never bound in the kernel",
    "__la_symbol_ptr": "stubs are never bound in the kernel",
    "__auth_stubs": "stubs are never bound in the kernel",
    "__thread_vars": "the kernel has no thread-local storage",
    "__thread_data": "the kernel has no thread-local storage",
    "__thread_bss": "the kernel has no thread-local storage",
}


@dataclass
class Headers:
    text: str
    header: dict = field(default_factory=dict)
    commands: list = field(default_factory=list)
    sections: list = field(default_factory=list)  # (segment, section)


def _parse_header(lines):
    for i, line in enumerate(lines):
        if line.split()[:2] == ["magic", "cputype"] and i + 1 < len(lines):
            names, values = line.split(), lines[i + 1].split()
            return dict(zip(names, values))
    return {}


def read(objdump, path):
    proc = subprocess.run([objdump, "--macho", "--private-headers", path],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{objdump} failed on {path}: {proc.stderr.strip()}")
    lines = proc.stdout.splitlines()
    found = Headers(proc.stdout, _parse_header(lines))
    for i, line in enumerate(lines):
        m = re.match(r"^\s*cmd (LC_\w+)", line)
        if m:
            found.commands.append(m.group(1))
        m = re.match(r"^\s*sectname (\S+)", line)
        if m and i + 1 < len(lines):
            found.sections.append((lines[i + 1].split()[-1], m.group(1)))
    return found


def problems(found):
    out = []
    h = found.header
    expected = {"magic": "MH_MAGIC_64", "cputype": "X86_64", "filetype": "KEXTBUNDLE"}
    for key, want in expected.items():
        if h.get(key) != want:
            out.append(f"Mach-O {key} is {h.get(key)!r}, want {want}")
    for cmd in sorted(FORBIDDEN_COMMANDS & set(found.commands)):
        out.append(f"load command {cmd} present: kexts are linked by the kernel, not dyld")
    for cmd in sorted(REQUIRED_COMMANDS - set(found.commands)):
        out.append(f"load command {cmd} missing")
    for seg, sect in found.sections:
        if sect in FORBIDDEN_SECTIONS:
            out.append(f"section {seg},{sect} present: {FORBIDDEN_SECTIONS[sect]}")
    return out
