"""The `regress` command: thin verbs over pytest, BackstopJS-style.

    regress test [PYTEST ARGS]        run the regression suite (compare against baselines)
    regress reference [PYTEST ARGS]   write baselines that are missing (--update-baselines missing)
    regress approve [-k EXPR]         promote the last run's failed captures to baselines
    regress serve [--port N] [--mutation NAME]   serve the demo site
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = str(ROOT / "tests" / "regression")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    verb = args.pop(0) if args else "help"
    if verb == "test":
        import pytest

        return int(pytest.main([SUITE, *args]))
    if verb == "reference":
        import pytest

        return int(pytest.main([SUITE, "-m", "visual", "--update-baselines", "missing", *args]))
    if verb == "approve":
        from .approve import main as approve

        return approve(args)
    if verb == "serve":
        from demo_site.__main__ import main as serve

        return serve(args) or 0
    if verb in ("help", "-h", "--help"):
        print(__doc__.strip())
        return 0
    print(f"regress: unknown command {verb!r}; valid: test, reference, approve, serve", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
