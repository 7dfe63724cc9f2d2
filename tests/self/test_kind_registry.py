"""The check-kind registry: the same kinds whatever was imported first, and every kind module listed."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import regress.checks
from regress.checks import KIND_MODULES, kinds

ROOT = Path(__file__).resolve().parents[2]
NOT_KINDS = {"context"}  # modules of regress.checks that register no kind


def test_every_kind_module_is_listed():
    """A kind module missing from KIND_MODULES would never register; one listed must exist."""
    modules = {m.name for m in pkgutil.iter_modules(regress.checks.__path__)} - NOT_KINDS
    assert set(KIND_MODULES) == modules


@pytest.mark.parametrize("first", KIND_MODULES)
def test_kinds_do_not_depend_on_import_order(first):
    """In a fresh interpreter, import one kind module first: kinds() still has every kind."""
    code = (f"import regress.checks.{first}\n"
            "from regress.checks import kinds\n"
            "print(' '.join(sorted(kinds())))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == sorted(kinds())
    assert len(kinds()) == len(KIND_MODULES)  # one kind per module
