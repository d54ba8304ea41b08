"""The code's shape: apps are layers, each importing only the layers below it, and views stay thin.

Every import in the apps' code counts, at module level and inside functions
(migrations and tests aside). The layer table is the README's (Architecture).
"""

import ast
import itertools
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "core": 0,
    "accounts": 1,
    "directory": 2,
    "guides": 3,
    "freshness": 4,
    "search": 4,
    "opendata": 5,
    "watching": 5,
    "gethelp": 6,
    "api": 6,
}


def apps():
    return sorted(d.name for d in ROOT.iterdir() if (d / "apps.py").exists())


def imports_between_apps():
    """[(importing app, imported app, "file:line")] for every import of another app's code."""
    found = []
    for app in apps():
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT)
            package = list(relative.with_suffix("").parts)
            package = package if path.name == "__init__.py" else package[:-1]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    base = package[: len(package) - node.level + 1] if node.level else []
                    targets = [".".join(base + ([node.module] if node.module else []))]
                else:
                    continue
                for other in {t.split(".")[0] for t in targets} & set(apps()) - {app}:
                    found.append((app, other, f"{relative}:{node.lineno}"))
    return found


def cycles(edges):
    """Every simple cycle in a graph given as a set of (a, b) edges."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    found = []

    def walk(start, path):
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == start:
                found.append(path + [start])
            elif nxt > start and nxt not in path:
                walk(start, path + [nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_every_app_has_a_layer():
    assert set(apps()) == set(LAYERS)


def test_apps_import_only_the_layers_below_them():
    upward = [
        f"{where}: {app} imports {other}"
        for app, other, where in imports_between_apps()
        if LAYERS[other] >= LAYERS[app]
    ]
    assert upward == []


def test_no_import_cycle_between_apps():
    assert cycles({(app, other) for app, other, _ in imports_between_apps()}) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c", "a"]]


def test_signal_modules_are_leaves_that_import_only_django_dispatch():
    for path in sorted(ROOT.glob("*/signals.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [None])
        ]
        assert modules == ["django.dispatch"], path


def test_models_never_import_cache_or_search_code():
    forbidden = ("django.core.cache", "haystack", "redis", "core.redis_client", "core.caching", "search")
    for path in itertools.chain(ROOT.glob("*/models.py"), ROOT.glob("*/querysets.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(forbidden), f"{path}: {node.module}"
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith(forbidden), f"{path}: {alias.name}"


def test_views_stay_under_30_lines_with_their_rules_in_models_and_forms():
    long_views = []
    for path in sorted(ROOT.glob("*/views.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 >= 30:
                long_views.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert long_views == []
