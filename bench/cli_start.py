"""Cold start of ``archive-qa ask`` on the sample pages, with the fallback embedder (the configured model absent).

Each run is a fresh process. Beside it, in the same run: the bare interpreter, and importing
sentence-transformers (with torch), which is what finding out that a configured model is missing cost
before the check that needs no torch. Medians of ``--runs`` runs.

    python -m bench.cli_start [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "德马吉森精机平湖项目总投资多少？"


def timed(command: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall seconds of a command, run ``runs`` times."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cli = str(Path(sys.executable).parent / "archive-qa")
    with tempfile.TemporaryDirectory() as tmp:
        index = str(Path(tmp) / "idx")
        env = {**os.environ, "QA_EMBEDDING_MODEL": "BAAI/bge-small-zh-v1.5", "HF_HOME": str(Path(tmp) / "no-cache")}
        subprocess.run([cli, "--index", index, "ingest", "seeds"], env=env, cwd=ROOT, check=True, capture_output=True)
        result = {
            "python -c pass": timed([sys.executable, "-c", "pass"], env, args.runs),
            "import sentence_transformers": timed([sys.executable, "-c", "import sentence_transformers"], env, args.runs),
            "archive-qa ask (fallback)": timed([cli, "--index", index, "ask", QUESTION], env, args.runs),
        }
    report = {key: round(value, 2) for key, value in result.items()}
    report["runs"] = args.runs
    print(json.dumps(report, ensure_ascii=False, indent=1))
    (ROOT / "bench" / "results" / "cli_start.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
