"""``regress review``: a run's report served on 127.0.0.1, where its changed references
(images, or YAML, JSON and text as a diff) are approved and rejected (one by one, or a group of identical changes at once).

Above :mod:`regress.run` (the report, the decisions and their refusals, the groups) and
below :mod:`regress.cli`, its only user. Standard library HTTP; no pytest.
"""
from .server import ReviewServer, serve

__all__ = ["ReviewServer", "serve"]
