"""One user-error class that carries every problem found, each with its location."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class UserError(Exception):
    """Bad input or a failed build the user can fix: one line per problem, exit status 1."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def fail(path: str, message: str) -> UserError:
    return UserError([Problem(path, None, None, message)])
