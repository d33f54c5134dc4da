"""`studyprint new NAME`: a commented starter source (starter.yaml) that builds as it is."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .errors import Problem, UserError, shown_path


def path_for(name: str, folder: Path) -> Path:
    """NAME -> FOLDER/NAME.yaml; a name that is already a path (a/b.yaml) is taken as it is."""
    given = Path(name)
    return given if given.suffix == ".yaml" or len(given.parts) > 1 else folder / f"{name}.yaml"


def create(path: Path) -> None:
    """Write the starter source at path; never over an existing file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as f:
            f.write((files(__package__) / "starter.yaml").read_bytes())
    except FileExistsError:
        raise UserError([Problem(shown_path(path), None, None, "already exists; choose another name")]) from None
    except OSError as e:
        raise UserError([Problem(shown_path(path), None, None, f"cannot create it: {e.strerror}")]) from None
