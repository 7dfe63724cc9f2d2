"""Model layer: YAML read with line numbers, the generic schema, site settings, scenarios, project paths.

Knows nothing of browsers, pytest or the check kinds (callers pass the kinds and
component names a scenario may use)."""
