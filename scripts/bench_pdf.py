#!/usr/bin/env python3
"""Time what writing and finishing the PDFs costs, step by step, in one process (layouts done once): medians
of several runs, in seconds.

  write untagged   WeasyPrint's write_pdf as before issue 10 (no tags)
  write pdf/ua-1   write_pdf with tags (what the build calls)
  finish           pdfpost.finish, all of it, and its steps:
    structure        tagging.plan + tagging.write (read WeasyPrint's tree, build ours)
    fonts            fontsubset.compact (each face cut down with fontTools)
    metadata         XMP, viewer settings, boxes
    contents+save    opening, parsing, renumbering and artifacts, grey, content streams, pikepdf save
  booklet          impose.booklet of the A5 handout

usage: python scripts/bench_pdf.py [--runs 7] [SOURCE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studyprint import fontsubset, impose, pdf, pdfpost, pipeline, tagging  # noqa: E402


def timed_steps(function, *args) -> dict[str, float]:
    """Run pdfpost.finish (or any call) with its named steps wrapped in timers."""
    spent: dict[str, float] = defaultdict(float)
    wrapped = {(tagging, "plan"): "structure", (tagging, "write"): "structure", (fontsubset, "compact"): "fonts",
               (pdfpost, "_metadata"): "metadata", (pdfpost, "_boxes"): "metadata"}
    originals = {key: getattr(*key) for key in wrapped}

    def timer(original, name):
        def run(*a, **k):
            start = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                spent[name] += time.perf_counter() - start
        return run

    for (module, attr), name in wrapped.items():
        setattr(module, attr, timer(originals[(module, attr)], name))
    start = time.perf_counter()
    try:
        function(*args)
    finally:
        for (module, attr), original in originals.items():
            setattr(module, attr, original)
    spent["total"] = time.perf_counter() - start
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", default=str(ROOT / "source" / "six-principles.yaml"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    article = pipeline.read_sources([Path(args.source)])[0]
    options = pipeline.Options(out=Path("unused"))
    a5 = pipeline.Options(out=Path("unused"), paper="A5")
    rendered = {"handout": pipeline.layout_handout(article, args.source, options)[0],
                "poster": pipeline.fit_poster(article, args.source, options),
                "a5": pipeline.layout_handout(article, args.source, a5)[0]}
    times: dict[str, dict[str, list[float]]] = {kind: defaultdict(list) for kind in rendered}
    for _ in range(args.runs):
        for kind, r in rendered.items():
            start = time.perf_counter()
            r.document.write_pdf(pdf_identifier=True)
            times[kind]["write untagged"].append(time.perf_counter() - start)
            start = time.perf_counter()
            data = pdf.write(r)
            times[kind]["write pdf/ua-1"].append(time.perf_counter() - start)
            steps = timed_steps(pdfpost.finish, data, r.document, pdfpost.Finish())
            finished = pdfpost.finish(data, r.document, pdfpost.Finish())
            times[kind]["finish"].append(steps["total"])
            for name in ("structure", "fonts", "metadata"):
                times[kind][f"  {name}"].append(steps[name])
            times[kind]["  contents+save"].append(steps["total"] - steps["structure"] - steps["fonts"]
                                                  - steps["metadata"])
            if kind == "a5":
                start = time.perf_counter()
                impose.booklet(finished)
                times[kind]["booklet"].append(time.perf_counter() - start)
    print(f"{'step':<18}" + "".join(f"{kind:>10}" for kind in rendered) + f"   (median s of {args.runs} runs)")
    for step in times["a5"]:
        cells = [f"{statistics.median(times[k][step]):>10.3f}" if step in times[k] else f"{'':>10}" for k in rendered]
        print(f"{step:<18}" + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
