"""The one error type of the library, and the problems found in user input.

Every error the library raises derives from `KgError` and carries the exit code the command
line gives it; only `kg/cli.py` turns an error into words on a terminal. The codes:

====  ===========================================================================
code  meaning
====  ===========================================================================
0     ok
1     the graph was built or read but does not conform to the SHACL shapes
2     bad input or usage: a seed, a file, a name, a query or an option is wrong
3     a remote store or endpoint refused, failed, or could not be reached
4     ``kg path``: both entities exist, but no chain of facts links them
5     a file or folder could not be written (full disk, read-only, not a folder)
130   interrupted with Ctrl-C (``kg serve`` stops with 0: that is how a server ends)
====  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

EXIT_OK = 0
EXIT_NOT_CONFORMING = 1
EXIT_BAD_INPUT = 2
EXIT_REMOTE = 3
EXIT_NO_PATH = 4
EXIT_CANNOT_WRITE = 5
EXIT_INTERRUPTED = 130  # the shell's 128 + SIGINT


class KgError(Exception):
    """Base of every library error; `exit_code` is what the command line exits with."""

    exit_code = EXIT_BAD_INPUT

    def report(self) -> str:
        """The text the command line shows for this error (on stderr)."""
        return str(self)


class Problem(NamedTuple):
    """One thing wrong with the input: where, what, and how to fix it."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        return f"{where}: {self.message}{hint}"


class InputError(KgError):
    """Bad input: carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self) -> str:
        n = len(self.problems)
        return f"{self}\n{counted(n, 'problem')} found; nothing was written."


class NotFound(KgError):
    """A file or folder is missing. `hint` says how to make it, when we know."""

    def __init__(self, path: object, hint: str = ""):
        self.path, self.hint = path, hint
        super().__init__(f"{path}: not found" + (f" ({hint})" if hint else ""))


class RemoteError(KgError):
    """A remote store or endpoint refused, failed, or could not be reached."""

    exit_code = EXIT_REMOTE


class CannotWrite(KgError):
    """A file or folder could not be written: says which, why, and what was kept."""

    exit_code = EXIT_CANNOT_WRITE

    def __init__(self, path: object, exc: OSError, kept: str = "nothing was changed"):
        self.path = path
        why = exc.strerror or str(exc)
        super().__init__(f"{path}: cannot write: {why}; {kept} (free some space or make it "
                         "writable, then run the command again)")


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number, for messages.

    >>> counted(1, "violation"), counted(2, "entity", "entities"), counted(0, "fact")
    ('1 violation', '2 entities', '0 facts')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def first_names(names: list[str], shown: int = 3) -> str:
    """The first few of `names` for a message, and an ellipsis when there are more.

    >>> first_names(["a.yaml"]), first_names(["a", "b", "c", "d"])
    ('a.yaml', 'a, b, c, …')
    """
    return ", ".join(names[:shown]) + (", …" if len(names) > shown else "")


def close_matches(word: str, choices: Iterable[str], n: int = 1) -> list[str]:
    """The choices that look like `word`, best first (difflib's ratio, cutoff 0.6).

    >>> close_matches("yaer", ["year", "date", "batch"])
    ['year']
    """
    import difflib  # 1 ms at start-up: only a suggestion loads it

    return difflib.get_close_matches(word, sorted(choices), n=n, cutoff=0.6)


def did_you_mean(word: str, choices: Iterable[str], otherwise: str | None = None) -> str:
    """A hint for a misspelt name: the closest choice, else `otherwise` (default: all choices).

    >>> did_you_mean("settleIn", ["settledIn", "locatedIn"])
    "did you mean 'settledIn'?"
    >>> did_you_mean("zzz", ["b", "a"])
    'allowed: a, b'
    >>> did_you_mean("zzz", ["a"], otherwise="see 'kg queries'")
    "see 'kg queries'"
    """
    choices = sorted(choices)
    close = close_matches(word, choices)
    if close:
        return f"did you mean '{close[0]}'?"
    return otherwise if otherwise is not None else "allowed: " + ", ".join(choices)
