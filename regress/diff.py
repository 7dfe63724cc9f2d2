"""The diff engine's stable import path: ``from regress.diff import compare_pngs``.

Other tools import these names from here; the engine itself lives in
:mod:`regress.engines.diff`."""
from .engines.diff import MAX_YIQ_DELTA, DiffResult, compare_arrays, compare_pngs, load_rgba

__all__ = ["DiffResult", "compare_arrays", "compare_pngs", "load_rgba", "MAX_YIQ_DELTA"]
