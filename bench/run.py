"""Run every benchmark in bench/ (each a script that exits non-zero when it misses its target).

.venv/bin/python bench/run.py        (what `make bench` runs)
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    failed = []
    for script in sorted(HERE.glob("*.py")):
        # Itself, and helper modules such as _support.py, are not benchmarks.
        if script.name == Path(__file__).name or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        if subprocess.run([sys.executable, str(script)], cwd=HERE.parent).returncode != 0:
            failed.append(script.name)
        print(flush=True)
    if failed:
        print(f"Benchmark gagal: {', '.join(failed)}")
        return 1
    print("Semua benchmark lulus.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
