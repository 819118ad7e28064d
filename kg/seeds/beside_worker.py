"""The worker of kg/seeds/beside.py: it parses the seeds files it is given, in order, and
answers each on stdout as a length and a pickle of what `_Checker.read_file` gives."""

from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import sys
from pathlib import Path

from kg.seeds.beside import CRASH, LENGTH
from kg.seeds.loader import _Checker


def main() -> None:
    """Parse the files named on stdin, in order, and answer each on stdout."""
    # Ctrl-C reaches the whole process group: the build stops and kills this worker itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()  # short-lived, and it makes millions of objects (kg.collector)
    request = json.loads(sys.stdin.buffer.read())
    root, out = Path(request["root"]), sys.stdout.buffer
    for name in request["files"]:
        if os.environ.get(CRASH):
            os._exit(1)
        checker = _Checker(root)
        data = checker.read_file(Path(name))
        answer = pickle.dumps((data, checker.problems, checker.unreadable, checker.digests),
                              protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(answer).to_bytes(LENGTH, "big"))
        out.write(answer)
        out.flush()


if __name__ == "__main__":
    main()
