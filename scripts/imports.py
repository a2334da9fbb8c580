#!/usr/bin/env python3
"""The structure drawn from the imports of the Rust crates: which file names which.

Every path a file names (`use` lines and paths written in code: `crate::`, `super::`,
`self::`, and the workspace's crates by name) is resolved to the file of the longest
module it reaches. Fails, listing them, if any files import each other in a circle, or
if a file takes from a module root above it (`mod.rs`, `lib.rs`) a name that root only
re-exports: a root is for what sits above it, and what sits below imports the file that
owns a thing. Names a root defines itself (the type its children extend) are its own.

Usage: scripts/imports.py [--graph]   (--graph prints every arrow)
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = {"app": ROOT / "app" / "src", "server": ROOT / "server" / "src"}
PATH = re.compile(r"(?<!::)(?<!\$)\b(crate|super|self|app|server)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"(?<!::)\buse\s+((?:crate|super|self|app|server)(?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)


def strip_comments(text: str) -> str:
    """The code without comments, and string literals blanked (their braces and `::` are
    text, not code). A string is taken within its line, but a raw string or one whose
    lines end in `\\`: enough for code `rustfmt` wrote, and never lost in a lifetime."""
    blank = lambda m: " " * len(m.group(0))
    text = re.sub(r'(?<![A-Za-z0-9_])r(#*)".*?"\1', blank, text, flags=re.S)
    text = re.sub(r"'(?:\\.|[^\\'\n])'", "' '", text)
    text = re.sub(r'"(?:\\.|\\\n|[^"\\\n])*"', blank, text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


EXTERNAL_USE = re.compile(r"\buse\s+(?!(?:crate|super|self|app|server)\b)\w+(?:::\w+)*::\{[^;]*\};", re.S)
INLINE_MOD = re.compile(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{")


def inline_modules(text: str) -> list:
    """For each offset where an inline `mod name {` block opens or closes, the inline
    module path from there on: `[(offset, ("tests",)), ...]`."""
    marks, stack, depth = [(0, ())], [], 0
    opens = {m.end() - 1: m.group(1) for m in INLINE_MOD.finditer(text)}
    for offset, ch in enumerate(text):
        if ch == "{":
            depth += 1
            if offset in opens:
                stack.append((depth, opens[offset]))
                marks.append((offset, tuple(name for _, name in stack)))
        elif ch == "}":
            if stack and stack[-1][0] == depth:
                stack.pop()
                marks.append((offset, tuple(name for _, name in stack)))
            depth -= 1
    return marks


def inline_at(marks: list, offset: int) -> tuple:
    current = ()
    for at, path in marks:
        if at > offset:
            break
        current = path
    return current


def module_of(crate: str, file: Path) -> tuple:
    parts = list(file.relative_to(CRATES[crate]).with_suffix("").parts)
    if parts == ["main"]:
        # The binary is a crate of its own, above the library.
        return (crate, "<main>")
    if parts[-1] in ("mod", "lib"):
        parts.pop()
    return (crate, *parts)


def files_of(crate: str) -> dict:
    return {module_of(crate, f): f for f in CRATES[crate].rglob("*.rs")}


MODULES = {}
for name in CRATES:
    MODULES.update(files_of(name))


def expand_groups(text: str) -> str:
    """A `use a::{b, c::{d, e}}` line as the paths `a::b`, `a::c::d`, `a::c::e`."""

    def split(items: str) -> list:
        out, depth, current = [], 0, ""
        for ch in items:
            if ch == "," and depth == 0:
                out.append(current)
                current = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            current += ch
        out.append(current)
        return [item.strip() for item in out if item.strip()]

    def paths(prefix: str, items: str) -> list:
        found = []
        for item in split(items):
            item = item.split(" as ")[0].strip()
            group = re.match(r"([A-Za-z_][A-Za-z0-9_:]*)::\{(.*)\}$", item, re.S)
            if group:
                found += paths(f"{prefix}::{group.group(1)}", group.group(2))
            elif item not in ("self", "*"):
                found.append(f"{prefix}::{item}")
            else:
                found.append(prefix)
        return found

    return "\n".join("\n".join(paths(m.group(1), m.group(2))) for m in USE_GROUP.finditer(text))


def resolve(crate: str, here: tuple, path: str):
    segments = path.split("::")
    head, rest = segments[0], segments[1:]
    if head == "crate":
        base = (crate,)
    elif head in CRATES:
        base = (head,)
    else:
        base = here
        while rest and head in ("super", "self"):
            if head == "super":
                base = base[:-1]
            head, rest = rest[0], rest[1:]
        rest = [head, *rest] if head not in ("super", "self") else rest
    # Inside an inline module of a file, the file's own module is what is reached.
    while base and base not in MODULES:
        rest = [base[-1], *rest]
        base = base[:-1]
    module = base
    item = None
    for segment in rest:
        if (*module, segment) in MODULES:
            module = (*module, segment)
        else:
            item = segment
            break
    return (module, item) if module in MODULES else (None, None)


MACROS = set()


def defines(module: tuple, item: str) -> bool:
    """Whether the file of `module` defines `item` (rather than re-exporting it): an item
    of its own, one of an inline module of its own, or a macro (exported at the root)."""
    if item in MACROS:
        return True
    text = strip_comments(MODULES[module].read_text())
    kinds = r"(?:struct|enum|trait|type|fn|const|static|mod)"
    if re.search(rf"\b{kinds}\s+{re.escape(item)}\b", text):
        return True
    own = re.search(rf"\buse\s+(\w+)::{re.escape(item)}\b", text)
    return bool(own and re.search(rf"\bmod\s+{own.group(1)}\s*\{{", text))


REEXPORTED = {}


def arrows() -> dict:
    graph = {}
    for file in MODULES.values():
        MACROS.update(re.findall(r"macro_rules!\s+(\w+)", file.read_text()))
    for module, file in MODULES.items():
        crate = module[0]
        text = strip_comments(file.read_text())
        marks = inline_modules(text)
        targets = set()
        found = []
        for group in USE_GROUP.finditer(text):
            inline = inline_at(marks, group.start())
            for path in expand_groups(group.group(0)).splitlines():
                found.append((inline, path))
        # Another crate's `use` group names its own modules (`hyper_util::{server::…}`).
        ours = EXTERNAL_USE.sub(lambda m: " " * len(m.group(0)), text)
        for match in PATH.finditer(ours):
            found.append((inline_at(marks, match.start()), match.group(1) + match.group(2)))
        for inline, path in found:
            within = (*module, *inline)
            target, item = resolve(crate, within, path)
            if not target or target == module:
                continue
            targets.add(target)
            above = len(target) < len(module) and module[: len(target)] == target
            root = MODULES[target].name in ("mod.rs", "lib.rs")
            if above and root and item and not defines(target, item):
                REEXPORTED.setdefault((module, target), set()).add(item)
        # A module's own children are declared, not imported.
        graph[module] = {t for t in targets if t[: len(module)] != module or len(module) == 1}
    return graph


def circles(graph: dict) -> list:
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            visit(node)
    return found


def name(module: tuple) -> str:
    return str(MODULES[module].relative_to(ROOT))


def main() -> int:
    graph = arrows()
    if "--graph" in sys.argv:
        for module in sorted(graph):
            for target in sorted(graph[module]):
                print(f"{name(module)} -> {name(target)}")
    bad = 0
    for component in circles(graph):
        bad += 1
        print("import circle: " + " -> ".join(name(m) for m in component), file=sys.stderr)
    for (module, target), items in sorted(REEXPORTED.items()):
        bad += 1
        listed = ", ".join(sorted(items))
        print(f"takes re-exports from the root above it: {name(module)} -> {name(target)} ({listed})", file=sys.stderr)
    arrows_count = sum(len(t) for t in graph.values())
    print(f"{len(graph)} files, {arrows_count} arrows, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
