"""Issue 16: imports between the top-level packages go one way (ingest <- assistant <- eval <- trialqa), read
from the source with ast. A module named in a string (importlib.import_module("eval.ui")) counts as an import:
that is how the web app used to reach eval, an edge no static check saw."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("ingest", "assistant", "eval", "trialqa")


def our_modules(root: Path = ROOT) -> set[str]:
    """Dotted names of every module and package of the top-level packages."""
    names: set[str] = set()
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def imported(source: str, known: set[str]) -> set[str]:
    """Modules a source imports: import statements (absolute), and strings that are exactly a known dotted module
    name ("eval.ui"; a bare "eval" or "trialqa" is a command or program name as often as a package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value and node.value in known
        ):
            found.add(node.value)
    return found


def package_edges(files: Iterable[tuple[str, str]], known: set[str]) -> dict[str, set[str]]:
    """(package, source) pairs -> which other top-level packages each package imports."""
    edges: dict[str, set[str]] = {package: set() for package in PACKAGES}
    for package, source in files:
        for module in imported(source, known):
            top = module.split(".")[0]
            if top in PACKAGES and top != package:
                edges[package].add(top)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle as the path that closes it (["a", "b", "a"]), or None; depth-first over the packages."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(edges.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        visiting.pop()
        done.add(node)
        return None

    return next((cycle for node in sorted(edges) if (cycle := visit(node))), None)


def tree_edges() -> dict[str, set[str]]:
    files = [(p, path.read_text(encoding="utf-8")) for p in PACKAGES for path in (ROOT / p).rglob("*.py")]
    return package_edges(files, our_modules())


def test_no_import_cycle_between_top_level_packages() -> None:
    edges = tree_edges()
    assert find_cycle(edges) is None, edges
    assert edges["ingest"] == set()  # the lowest layer: records, loaders, chunking, the pipeline's protocols
    assert "eval" not in edges["assistant"] and "trialqa" not in edges["assistant"] | edges["eval"]


def test_the_checker_sees_a_cycle_made_by_a_string_import() -> None:
    known = {"eval", "eval.ui", "assistant", "assistant.service"}
    hidden = 'import importlib\n\ndef tab():\n    return importlib.import_module("eval.ui")\n'
    edges = package_edges([("assistant", hidden), ("eval", "from assistant.service import TrialQA\n")], known)
    assert edges["assistant"] == {"eval"} and edges["eval"] == {"assistant"}
    assert find_cycle(edges) == ["assistant", "eval", "assistant"]
    # Prose that merely mentions a module is not an import; a relative import stays inside its package.
    quiet = '"""See eval.ui for the tab."""\nfrom . import service\nCOMMAND = "eval"\n'
    assert package_edges([("assistant", quiet)], known)["assistant"] == set()


def top_level_names_bound_twice(source: str) -> list[str]:
    """Functions, classes and plain assignments a module binds more than once at its top level."""
    seen: dict[str, int] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        else:
            continue
        for name in names:
            seen[name] = seen.get(name, 0) + 1
    return sorted(name for name, count in seen.items() if count > 1)


def test_no_module_binds_a_top_level_name_twice() -> None:
    """A second `_REASON = ...` or `def _helper` far down a long module silently replaces the first for every
    caller above it (c44661c did this to an eligibility reason)."""
    assert top_level_names_bound_twice("X = 1\ndef f(): pass\nX = 2\n") == ["X"]
    twice = {
        str(path.relative_to(ROOT)): top_level_names_bound_twice(path.read_text(encoding="utf-8"))
        for package in ("assistant", "ingest", "eval", "trialqa")
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in twice.items() if names} == {}
