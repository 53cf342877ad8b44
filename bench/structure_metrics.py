"""Structure figures of the code base (issue 18's before/after), measured from the source.

    python bench/structure_metrics.py

Prints: import cycles between modules and between the top-level packages (every import
that runs, inside functions too; the CLI counted as a package of its own on top, as the
import-linter contracts in pyproject.toml see it); imports inside
function bodies, split into optional heavy dependencies and the rest; string-key reads of
record values (`.get("triage")`, `["value"]`, ...) outside the store; the ten longest
functions. Read with `ast`, nothing is imported or run.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "prompts", "extractor", "eval")
# Heavy or optional dependencies an import inside a function may load lazily.
OPTIONAL = {
    "xllamacpp",
    "langchain",
    "langchain_core",
    "langchain_openai",
    "matplotlib",
    "statsmodels",
    "openpyxl",
    "pyarrow",
    "reportlab",
    "uvicorn",
    "starlette",
    "bm25s",
    "pymupdf4llm",
    "playwright",
    "scipy",
    "numpy",
    "bibtexparser",
    "rispy",
    "pymupdf",
    "fitz",
    "bpe_openai",
    "jinja2",
    "rapidfuzz",
    "filelock",
    "httpx",
    "openai",
}
RECORD_KEYS = {"triage", "value", "evidence", "reasons", "findings", "status", "second_value"}


def modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base if is_package else base[:-1]
            base = base[: len(base) - node.level + 1]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        return [f"{prefix}.{a.name}" for a in node.names] + [prefix]
    return []


def _package(module: str) -> str:
    """The top-level package; the CLI counts as its own, on top (the composition root)."""
    return "extractor.cli" if module.startswith("extractor.cli") else module.split(".")[0]


def resolve(name: str, known: dict[str, Path]) -> str | None:
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def main() -> None:
    known = modules()
    graph: dict[str, set[str]] = defaultdict(set)
    packages: dict[str, set[str]] = defaultdict(set)
    inner_imports: list[tuple[str, int, str]] = []  # (where, line, first name imported)
    top_internal: dict[str, set[str]] = defaultdict(set)
    top_external: dict[str, set[str]] = defaultdict(set)
    key_reads: list[str] = []
    lengths: list[tuple[int, str]] = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        type_only = {  # imports under `if TYPE_CHECKING:` are never run
            id(sub)
            for node in tree.body
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for sub in ast.walk(node)
        }
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                end = node.end_lineno or node.lineno
                lengths.append((end - node.lineno + 1, f"{path.relative_to(ROOT)}:{node.name}"))
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Import | ast.ImportFrom) and id(sub) not in in_function:
                        in_function.add(id(sub))
                        names = imported(sub, module, is_package)
                        first = names[-1] if isinstance(sub, ast.ImportFrom) else names[0]
                        inner_imports.append((str(path.relative_to(ROOT)), sub.lineno, first))
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in type_only:
                for name in imported(node, module, is_package):
                    target = resolve(name, known)
                    if target and target != module:
                        graph[module].add(target)
                        if id(node) not in in_function:
                            top_internal[module].add(target)
                        a, b = _package(module), _package(target)
                        if a != b:
                            packages[a].add(b)
                    elif not target and name and id(node) not in in_function:
                        top_external[module].add(name.split(".")[0])
            key = None
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                key = node.slice.value
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                key = node.args[0].value
            if key in RECORD_KEYS and "store" not in path.name:
                key_reads.append(f"{path.relative_to(ROOT)}:{node.lineno} {key!r}")
    heavy: dict[str, bool] = {}

    def is_heavy(module: str, seen: frozenset[str] = frozenset()) -> bool:
        if module not in heavy:
            heavy[module] = bool(top_external[module] & OPTIONAL) or any(
                is_heavy(t, seen | {module}) for t in top_internal[module] if t not in seen
            )
        return heavy[module]

    inner = {"heavy dependency": 0, "other": 0}
    inner_other: list[str] = []
    for where, line, first in inner_imports:
        root = first.split(".")[0]
        ours = resolve(first, known)
        if root in OPTIONAL or (root not in PACKAGES and root) or (ours and is_heavy(ours)):
            inner["heavy dependency"] += 1
        else:
            inner["other"] += 1
            inner_other.append(f"{where}:{line} {first}")
    module_cycles = cycles(dict(graph))
    package_cycles = cycles({k: set(v) for k, v in packages.items()})
    print(f"modules: {len(known)}")
    print(f"import cycles between modules: {len(module_cycles)}")
    for comp in module_cycles:
        print("   ", " <-> ".join(comp))
    print(f"import cycles between packages: {len(package_cycles)}")
    for comp in package_cycles:
        print("   ", " <-> ".join(comp))
    print("package imports:", {k: sorted(v) for k, v in sorted(packages.items())})
    print(
        f"imports inside function bodies: {sum(inner.values())} "
        f"(a heavy dependency, directly or through our modules {inner['heavy dependency']}, "
        f"other {inner['other']})"
    )
    for line in inner_other:
        print("    other:", line)
    print(f"string-key reads of record values outside the store: {len(key_reads)}")
    print("ten longest functions:")
    for length, name in sorted(lengths, reverse=True)[:10]:
        print(f"    {length:4d}  {name}")


if __name__ == "__main__":
    main()
