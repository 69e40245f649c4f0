"""The code keeps a shape a newcomer can read: no module over 400 lines (outside
migrations and tests) and no view function over 40 lines. A failure names each
offender and its length, so the fix starts from the message."""

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 40
# Folders whose modules are not ours to shape: generated migrations, the tests
# themselves, installed packages, built and runtime files.
SKIPPED = {"migrations", "tests", "node_modules", "var", "static", "__pycache__"}


def project_modules():
    for folder, subfolders, files in os.walk(ROOT):
        # Prune while walking: .venv and node_modules hold tens of thousands of files.
        subfolders[:] = sorted(
            name for name in subfolders if name not in SKIPPED and name[0] != "."
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def is_view_module(path):
    parts = path.relative_to(ROOT).parts
    return (
        path.name == "views.py"
        or path.name.endswith("_views.py")
        or "views" in parts[:-1]
    )


def relative(path):
    return path.relative_to(ROOT).as_posix()


def test_no_module_is_over_400_lines():
    too_long = {}
    for path in project_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long[relative(path)] = lines
    assert not too_long, (
        f"modules over {MAX_MODULE_LINES} lines (split them by what they do): "
        + ", ".join(f"{name} ({lines})" for name, lines in sorted(too_long.items()))
    )


def test_no_view_function_is_over_40_lines():
    too_long = {}
    for path in filter(is_view_module, project_modules()):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # From the `def` line to the last line of the body; decorators, which
                # ast places before node.lineno, are not counted.
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_VIEW_LINES:
                    too_long[f"{relative(path)}:{node.name}"] = lines
    assert not too_long, (
        f"view functions over {MAX_VIEW_LINES} lines (move the work into a selector "
        "or service): "
        + ", ".join(f"{name} ({lines})" for name, lines in sorted(too_long.items()))
    )


def test_the_checks_see_the_project():
    # A walk that skipped everything would pass the checks above without looking.
    modules = {relative(path) for path in project_modules()}
    assert "dit_portal/settings.py" in modules
    assert not any(name.split("/")[0] in {"tests", ".venv"} for name in modules)
    assert not any("/migrations/" in name for name in modules)
    assert any(is_view_module(path) for path in project_modules())
