"""Problems found in content, and the one exception that carries all of them.

Every message an author sees is a :class:`Problem`: a location (``path:line:column``) and a German text.
The loader collects problems from every file and raises :class:`ContentError` once, so an author fixes
everything in one round instead of one mistake per build.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one file. ``line`` and ``column`` are 1-based, as editors show them."""

    path: str
    line: int
    column: int
    message: str
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ContentError(Exception):
    """Raised when content cannot be published: carries every problem of every file, sorted by location."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        """The German report: one line per problem, then a count."""
        lines = [str(p) for p in self.problems]
        n = len(self.problems)
        files = len({p.path for p in self.problems})
        lines.append(
            f"{n} Fehler in {files} Datei{'en' if files != 1 else ''} – nichts wurde geschrieben."
            if n != 1
            else "1 Fehler – nichts wurde geschrieben."
        )
        return "\n".join(lines)


class BuildError(Exception):
    """Raised when a build step (pandoc, Typst, MkDocs) fails for a reason that is not a content mistake."""


class UsageError(Exception):
    """Raised when the command line asks for something the program refuses (exit code 2), e.g. an output
    folder that is not the project's to replace. The message is one German sentence."""
