"""``python -m journeykit`` runs the command line (the same as the ``journeykit`` command)."""

import sys

from .cli import main

sys.exit(main())
