#!/usr/bin/env python3
"""Build the handout and poster PDFs of every article source. See `python build.py --help`."""

import sys

from studyprint.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
