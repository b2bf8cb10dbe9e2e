"""Serving memory: the web app with its one shared answer service, against one answer service per interface.

Each variant runs in a fresh process: build the app over ``--index`` (REST, OpenAI routes, chat and embed),
answer one question, read the resident set size. The "per interface" variant builds the two extra
``Answerer``s the REST, chat and OpenAI routes used to hold (each loads BM25 and warms up on its own).

    python -m bench.serve_rss --index DIR
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, sys
from qa.services import build_services
from qa.settings import Settings
from qa.web import create_app
services = build_services(Settings(index_dir=sys.argv[1], embedding_model="hash"))
create_app(services)
extra = [services._build_answerer() for _ in range(int(sys.argv[2]))]
for answerer in [services.answerer(), *extra]:
    answerer.answer("德马吉森精机平湖项目总投资多少？")
import os
from bench.load import rss_mb
print(json.dumps({"rss_mb": round(rss_mb(os.getpid()), 1)}))
"""


def rss(index: Path, extra: int) -> float:
    """Resident memory (MB) of a fresh process serving with ``1 + extra`` answer services."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(index), str(extra)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["rss_mb"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    one = sorted(rss(args.index, 0) for _ in range(args.runs))[args.runs // 2]
    three = sorted(rss(args.index, 2) for _ in range(args.runs))[args.runs // 2]
    report = {"index": str(args.index), "one_service_mb": one, "one_per_interface_mb": three,
              "saved_mb": round(three - one, 1), "runs": args.runs}
    print(json.dumps(report, indent=1))
    (ROOT / "bench" / "results" / "serve_rss.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
