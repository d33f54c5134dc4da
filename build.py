#!/usr/bin/env python3
"""Build the handout and poster PDFs of every article source. See `python build.py --help`."""

import os
import sys

from studyprint.cli import BUILD_PY, main

if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:], BUILD_PY))
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
