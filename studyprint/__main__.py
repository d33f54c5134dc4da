"""`python -m studyprint`: the same as the `studyprint` command."""

from .cli import run

if __name__ == "__main__":
    run()
