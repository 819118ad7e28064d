"""The worker of kg/seeds/beside.py: it parses the seeds files it is given, in order, and
answers each on stdout as a length and a pickle of what `_Checker.read_file` gives."""

from __future__ import annotations

import gc
import json
import os
import pickle
import sys
import time
from pathlib import Path

from kg.seeds.beside import LENGTH, TEST
from kg.seeds.loader import _Checker


def main() -> None:
    """Parse the files named on stdin, in order, and answer each on stdout."""
    gc.disable()  # short-lived, and it makes millions of objects (kg.collector)
    request = json.loads(sys.stdin.buffer.read())
    root, out = Path(request["root"]), sys.stdout.buffer
    for name in request["files"]:
        if os.environ.get(TEST) == "crash":
            os._exit(1)
        if os.environ.get(TEST) == "pause":
            time.sleep(60)
        checker = _Checker(root)
        data = checker.read_file(Path(name))
        answer = pickle.dumps((data, checker.problems, checker.unreadable, checker.digests),
                              protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(answer).to_bytes(LENGTH, "big"))
        out.write(answer)
        out.flush()


if __name__ == "__main__":
    main()
