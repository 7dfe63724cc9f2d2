"""The regression-suite engine, in layers that import only downward:

    cli        the `regress` command
    plugin     the pytest glue (entry point ``pytest11``)
    checks     the check kinds, each given a pytest-free context
    run        the run record, artifacts, baselines, HTML report, approve, merge
    browser    finding Chromium, stable captures, geometry  |  engines  diff, link checking
    model      YAML with line numbers, the schema, settings, scenarios, project paths

`docs/architecture.md` says what each owns and how a scenario becomes a verdict.
"""
