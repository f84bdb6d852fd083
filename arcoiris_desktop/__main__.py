"""``python -m arcoiris_desktop``: the same as ``arcoiris-desktop``."""

import sys

from arcoiris_desktop.app import main

sys.exit(main())
