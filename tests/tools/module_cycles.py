#!/usr/bin/env python3
"""Prints the import graph among the modules (files) of server/src and its cycles.

A module is one file (`records/edit.rs` is `records::edit`, `store/mod.rs` is `store`). Each
`crate::a::b` path in a file, and `super::x` naming a sibling, is an edge to the deepest
module the path names. Not counted: the crate root (lib.rs, main.rs), which declares and
composes everything; a child's references to its own ancestors (`super::helper`); unit
tests. Strongly connected groups of more than one module are import cycles; the script exits
1 when there are any.

    python3 tests/tools/module_cycles.py [server/src]
"""
import os
import re
import sys

args = [a for a in sys.argv[1:] if not a.startswith("-")]
root = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..", "server", "src")
root = os.path.normpath(root)

files = {}
for dirpath, _, names in os.walk(root):
    for f in names:
        if not f.endswith(".rs"):
            continue
        rel = os.path.relpath(os.path.join(dirpath, f), root)
        if rel in ("lib.rs", "main.rs"):
            continue
        parts = rel[:-3].split(os.sep)
        if parts[-1] == "mod":
            parts = parts[:-1]
        files["::".join(parts)] = os.path.join(dirpath, f)
modules = set(files)

def strip_tests(text):
    cut = text.find("#[cfg(test)]\nmod tests")
    return text if cut < 0 else text[:cut]

def paths(text, head):
    """Every `head::a::b…` path, with grouped `use head::{a::b, c}` lists expanded."""
    out = []
    for m in re.finditer(head + r"::((?:[a-z_][a-z0-9_]*::)*)(\{|[A-Za-z_][A-Za-z0-9_]*)", text):
        prefix = [p for p in m.group(1).split("::") if p]
        if m.group(2) != "{":
            out.append(prefix + [m.group(2)])
            continue
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        level, item = 0, ""
        for ch in text[m.end():i - 1] + ",":
            level += {"{": 1, "}": -1}.get(ch, 0)
            if ch == "," and level == 0:
                first = re.split(r"::|\{", item.strip())
                seg = [s.strip() for s in first if s.strip()]
                if seg:
                    out.append(prefix + seg[:2])
                item = ""
            else:
                item += ch
    return out

def deepest(segments):
    for n in range(len(segments), 0, -1):
        name = "::".join(segments[:n])
        if name in modules:
            return name
    return None

edges = {m: set() for m in modules}
for module, path in files.items():
    text = strip_tests(open(path, encoding="utf-8").read())
    # `super::` is the parent module, for `a/b.rs` and `a/b/mod.rs` alike.
    parent = module.split("::")[:-1]
    targets = [deepest(p) for p in paths(text, "crate")] + [deepest(parent + p) for p in paths(text, "super")]
    for t in targets:
        if t is None or t == module:
            continue
        if module.startswith(t + "::"):
            continue  # a child naming its ancestor
        edges[module].add(t)

index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(modules):
    if v not in index:
        visit(v)

cycles = [c for c in sccs if len(c) > 1]
pairs = sorted({tuple(sorted((a, b))) for a in edges for b in edges[a] if a in edges.get(b, ())})
print(f"{len(modules)} modules, {sum(len(e) for e in edges.values())} import edges")
print(f"{len(cycles)} import cycle(s); {len(pairs)} pair(s) of modules importing each other")
for c in cycles:
    print(f"  cycle of {len(c)}: {', '.join(c)}")
for a, b in pairs:
    print(f"  {a} <-> {b}")
if "-v" in sys.argv:
    for m in sorted(edges):
        print(m, "->", ", ".join(sorted(edges[m])))
sys.exit(1 if cycles else 0)
