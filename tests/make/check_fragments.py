#!/usr/bin/python3
"""check_fragments.py — the make fragments (mk/*.mk) do not depend on the order they are read in, and
each build path is written out in one make file only.  `make test-makefiles`, from the tree's top.

1. Order: make's database (`make -p`) with the fragments in the Makefile's order and reversed
   (MK_FRAGMENTS) must agree on every variable the make files set (its words, sorted) and every
   rule (prerequisites in order, recipe).  A fragment that uses another's variable while it is read
   (a prerequisite, an immediate := assignment) sees it empty in one of the two orders, and a
   reversal puts every pair of fragments the other way round.
2. Paths: a path under $(BUILD) or $(OUT) written out in one of Makefile + mk/*.mk is not written
   out again, nor a path inside it, in another: the others use the variable that names it.
3. No make file names a path outside the checkout (`../`): tools/kext-build/kext-toolchain finds
   what lives there.
"""
import collections
import re
import subprocess
import sys

# Variables that name the order itself, or describe make's own run.
ORDER_VARIABLES = {"MK_FRAGMENTS", "MAKEFILE_LIST", "MAKEFLAGS", "MAKEOVERRIDES"}
VARIABLE = re.compile(r"^(\S+) (:=|=) ?(.*)$")
SECTIONS = {"# Variables", "# Pattern-specific Variable Values", "# Directories",
            "# Implicit Rules", "# Files", "# VPATH Search Paths"}


def make_database(fragments=None):
    """Text of `make -p` with the fragments read in the given order, or the Makefile's own (-q:
    nothing is built)."""
    order = ["MK_FRAGMENTS=" + " ".join(fragments)] if fragments is not None else []
    run = subprocess.run(["make", "-pq", "--no-print-directory", *order, "check-fragments-reads-only"],
                         capture_output=True, text=True)
    if "# Files" not in run.stdout:
        sys.exit(f"check_fragments: make printed no database:\n{run.stderr}")
    return run.stdout


def parse(db):
    """({variable: sorted words}, {target: [(prerequisites, recipe)]}) of a database."""
    variables, rules = {}, collections.defaultdict(list)
    section, lines, i = None, db.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line in SECTIONS:
            section = line
        elif section == "# Variables" and line.startswith("# makefile") and i < len(lines):
            definition = lines[i]
            i += 1
            if definition.startswith("define "):
                name, body = definition.split()[1], []
                while i < len(lines) and lines[i] != "endef":
                    body.append(lines[i])
                    i += 1
                variables[name] = ["\n".join(body)]
            elif (m := VARIABLE.match(definition)) and m.group(1) not in ORDER_VARIABLES:
                variables[m.group(1)] = sorted(m.group(3).split())
        elif section in ("# Implicit Rules", "# Files") and line and line[0] not in "#\t":
            target, _, prerequisites = line.partition(":")
            recipe = []
            while i < len(lines) and lines[i]:
                if lines[i].startswith("\t"):
                    recipe.append(lines[i])
                i += 1
            words = prerequisites.lstrip(":").split()
            # Order matters ($<, link order) except for make's special targets (.PHONY ...).
            rules[target].append((sorted(words) if target.startswith(".") else words, recipe))
    return variables, {t: sorted(r) for t, r in rules.items()}


def show(value):
    """A variable's words, or a rule's prerequisites and recipe, on one line."""
    if value is None:
        return "(not set)"
    if value and isinstance(value[0], tuple):
        return " | ".join(" ".join(p) + (f" ; {len(r)} recipe lines" if r else "") for p, r in value)
    return " ".join(value)


def differences(kind, first, second):
    return [f"{kind} {name}:\n    in order: {show(first.get(name))}\n    reversed: {show(second.get(name))}"
            for name in sorted(set(first) | set(second)) if first.get(name) != second.get(name)]


def order_problems(forward, fragments):
    backward = parse(make_database(list(reversed(fragments))))
    return differences("variable", forward[0], backward[0]) + differences("rule", forward[1], backward[1])


BUILD_PATH = re.compile(r"\$\((BUILD|OUT)\)((?:/[\w.+-]+)+)")


def written_paths(text):
    """Paths under $(BUILD)/$(OUT) written out in a make file's code (comment lines left out): each
    as a tuple of its components, up to the first one a variable completes."""
    paths = set()
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        for m in BUILD_PATH.finditer(line):
            parts = m.group(2).split("/")[1:]
            if line[m.end():m.end() + 1] == "$":
                parts = parts[:-1]
            if parts:
                paths.add((m.group(1),) + tuple(parts))
    return paths


def spell(path):
    """A path tuple of written_paths() as the make files write it."""
    return f"$({path[0]})/" + "/".join(path[1:])


def path_problems(files):
    owners = collections.defaultdict(set)
    for f in files:
        for p in written_paths(open(f).read()):
            owners[p].add(f)
    problems = []
    for p, in_files in sorted(owners.items()):
        for q, q_files in sorted(owners.items()):
            inside = q[:len(p)] == p
            others = q_files - in_files if q != p else set()
            if q == p and len(in_files) > 1:
                problems.append(f"{spell(p)} is written out in {', '.join(sorted(in_files))}")
            elif inside and others:
                problems.append(f"{spell(q)} ({', '.join(sorted(others))}) is inside {spell(p)} "
                                f"({', '.join(sorted(in_files))}): use its variable")
    return problems


def outside_problems(files):
    return [f"{f}:{n}: reaches outside the checkout: {line.strip()}"
            for f in files for n, line in enumerate(open(f), 1)
            if "../" in line and not line.lstrip().startswith("#")]


def main():
    forward_db = make_database()
    first, fragments = (re.search(rf"^{name} := (.*)$", forward_db, re.M).group(1).split()
                        for name in ("MK_FIRST", "MK_FRAGMENTS"))
    forward = parse(forward_db)
    files = ["Makefile"] + first + fragments
    problems = order_problems(forward, fragments) + path_problems(files) + outside_problems(files)
    for p in problems:
        print(f"check_fragments: {p}", file=sys.stderr)
    if problems:
        sys.exit(f"check_fragments: FAILED ({len(problems)} problems)")
    print(f"check_fragments: {len(fragments)} fragments read in order and reversed agree on "
          f"{len(forward[0])} variables and {len(forward[1])} rules; each build "
          "path is written out in one make file; none reaches outside the checkout")


if __name__ == "__main__":
    main()
