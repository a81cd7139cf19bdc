#!/usr/bin/env python3
"""check_layers.py — hold core/ to the layering rule and the file map of core/README.md.

The README's "Rooms" table says which rooms each room may include; its "Files" sections name every
file of each room.  This checks every #include of every file under core/ against the table, that
only the compiler's own three headers are included with <>, and that the map and the tree name the
same files.  Usage: check_layers.py [CORE_DIR]   (exit 1 and one line per violation).
"""
import re
import sys
from pathlib import Path

STD_HEADERS = {"stdint.h", "stddef.h", "stdbool.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
TICKED = re.compile(r"`([^`]+)`")


def section(text, heading):
    """The lines under a markdown heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n") + len(heading) + 1
    stop = re.compile(r"^#{1,%d} " % len(level), re.M).search(text, start)
    return text[start:stop.start() if stop else len(text)]


def table_rows(block):
    """Cells of each body row of the markdown tables in `block`."""
    rows = []
    for line in block.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:] if rows else rows


def read_rules(readme):
    """{room: [allowed prefixes or names]} from the Rooms table; the header row is skipped."""
    rules = {}
    for cells in table_rows(section(readme, "## Rooms, bottom to top")):
        room = TICKED.fullmatch(cells[0])
        if room:
            rules[room.group(1)] = TICKED.findall(cells[-1])
    return rules


def room_of(rel):
    return rel.split("/")[0] + "/" if "/" in rel else rel


def allowed(include, entries):
    return any(include == e or (e.endswith("/") and include.startswith(e)) for e in entries)


def check_includes(core, rules):
    errors = []
    for path in sorted(p for p in core.rglob("*") if p.suffix in (".c", ".h")):
        rel = path.relative_to(core).as_posix()
        room = room_of(rel)
        if room not in rules:
            errors.append(f"{rel}: room {room} is not in core/README.md's Rooms table")
            continue
        for kind, name in INCLUDE.findall(path.read_text()):
            if kind == "<":
                if name not in STD_HEADERS:
                    errors.append(f"{rel}: includes <{name}>; the core has only {sorted(STD_HEADERS)}")
            elif not allowed(name, rules[room]):
                errors.append(f'{rel}: includes "{name}"; {room} may include only {", ".join(rules[room]) or "nothing"}')
    return errors


def check_map(core, readme, rules):
    errors = []
    for room in (r for r in rules if r.endswith("/")):
        heading = f"### `{room}`"
        if heading + "\n" not in readme:
            errors.append(f"core/README.md has no section {heading}")
            continue
        named = set()
        for cells in table_rows(section(readme, heading)):
            named.update(TICKED.findall(cells[0]))
        present = {p.name for p in (core / room).iterdir() if p.is_file()} if (core / room).is_dir() else set()
        errors += [f"core/{room}{n}: not in core/README.md's map" for n in sorted(present - named)]
        errors += [f"core/README.md names {room}{n}, which does not exist" for n in sorted(named - present)]
    return errors


def main(argv):
    core = Path(argv[1] if len(argv) > 1 else "core")
    readme = (core / "README.md").read_text()
    rules = read_rules(readme)
    if not rules:
        print("check_layers: no Rooms table in core/README.md")
        return 1
    errors = check_includes(core, rules) + check_map(core, readme, rules)
    for e in errors:
        print("check_layers:", e)
    if not errors:
        print(f"check_layers: {sum(1 for _ in core.rglob('*.[ch]'))} files in {len(rules)} rooms keep the layering rule")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
