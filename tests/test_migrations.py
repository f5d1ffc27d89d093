"""Migrations stand on their own: a data step never imports the project's live code, so
that a later change to that code cannot break (or silently change) a fresh `migrate`.

That `migrate` from zero works is tested by every run: the test database is built by
running every migration.
"""

import ast
import inspect
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

PROJECT_PACKAGES = {
    config.name.split(".")[0]
    for config in apps.get_app_configs()
    if Path(config.path).parent == Path(settings.BASE_DIR)
}


def _data_migrations():
    """(name, module) of every project migration with a RunPython step."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    found = []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        module = sys.modules[migration.__module__]
        if module.__name__.split(".")[0] not in PROJECT_PACKAGES:
            continue
        if any(isinstance(op, RunPython) for op in migration.operations):
            found.append((f"{app_label}.{name}", module))
    return found


def _project_imports(source: str, module_name: str) -> list[str]:
    """The project modules a migration's source imports, anywhere in the file (inside
    functions too), other than modules of its own migrations package."""
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.append(node.module or "")
    own = module_name.rsplit(".", 1)[0]
    return [
        name
        for name in imported
        if name.split(".")[0] in PROJECT_PACKAGES and not name.startswith(f"{own}.")
    ]


def test_the_project_has_data_migrations_to_check():
    names = [name for name, _ in _data_migrations()]
    assert "metrics.0003_load_default_metric_definitions" in names
    assert "institutions.0003_partner_universities_full_names" in names


def test_data_migrations_import_no_project_code():
    offending = {
        name: _project_imports(inspect.getsource(module), module.__name__)
        for name, module in _data_migrations()
    }
    assert {name: found for name, found in offending.items() if found} == {}


def test_the_import_check_sees_imports_inside_functions_and_allows_siblings():
    """The check itself: the metrics migration used to import the live definitions
    inside its data function."""
    source = (
        "import re\n"
        "from django.db import migrations\n"
        "from metrics.migrations._frozen import DEFINITIONS\n"
        "def load(apps, schema_editor):\n"
        "    from metrics.default_definitions import sync_default_definitions\n"
        "    import institutions.names\n"
    )
    found = _project_imports(source, "metrics.migrations.0003_load")
    assert found == ["metrics.default_definitions", "institutions.names"]
