"""``python -m regress VERB``: the `regress` command."""
import sys

from .cli import main

sys.exit(main())
