#!/usr/bin/env python3
"""A long day of work in the workbench Jupyter kernel, driven by Jupyter's own client (Debian's python3-jupyter-client).
Checks the bounds of issue 18 and exits 1 when one is exceeded:

  cells:  --cells trivial cells (`1`); retained managed memory after a full GC (GC.GetTotalMemory(true), measured by a
          silent cell every --every cells) must stay within --bound-mb of the start; loaded assemblies are counted;
          the median latency of the last 100 cells must stay within 2x that of the first 100 (flat);
  lines:  200,000 printed lines arrive (or are reported as rate-limited) and `idle` is received;
  huge:   one 200M-character output (stream, display and value) is truncated with a note and the kernel lives.

Usage (from the repository root):
  dotnet build src/Workbench.Cli -c Release
  /usr/bin/python3 benchmarks/kernel_long_session.py [--workbench PATH] [--cells 1000] [--bound-mb 150]

The kernelspec is installed into a temporary prefix (`workbench kernel install --prefix`), never into the user's Jupyter.
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_latency import default_workbench, install  # noqa: E402

MEMORY = ("GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();\n"
          "$\"{GC.GetTotalMemory(true)} {AppDomain.CurrentDomain.GetAssemblies().Length}\"")


def run(kc, code, timeout=600, silent=False):
    """Returns (seconds to reply and idle, reply content, [(msg_type, content)])."""
    outputs = []
    start = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=timeout, silent=silent, store_history=not silent,
                                   output_hook=lambda m: outputs.append((m["msg_type"], m["content"])))
    return time.perf_counter() - start, reply["content"], outputs


def memory(kc):
    _, reply, outputs = run(kc, MEMORY)
    text = [c["data"]["text/plain"] for t, c in outputs if t == "execute_result"][0]
    managed, assemblies = text.split()
    return int(managed) / 1e6, int(assemblies)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workbench", default=None)
    ap.add_argument("--cells", type=int, default=1000)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--bound-mb", type=float, default=150.0)
    ap.add_argument("--skip-output", action="store_true", help="only the cells part")
    args = ap.parse_args()
    workbench = os.path.abspath(args.workbench or default_workbench())

    from jupyter_client.manager import start_new_kernel
    failures = []
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as prefix:
        install(workbench, prefix)
        km, kc = start_new_kernel(kernel_name="workbench-csharp", startup_timeout=120)
        try:
            run(kc, "1")
            m0, a0 = memory(kc)
            print(f"start: {m0:.1f} MB managed, {a0} assemblies", flush=True)
            latencies, rows = [], [(0, m0, a0)]
            for i in range(1, args.cells + 1):
                t, reply, _ = run(kc, "1")
                if reply["status"] != "ok":
                    failures.append(f"cell {i}: {reply}")
                latencies.append(t)
                if i % args.every == 0:
                    m, a = memory(kc)
                    rows.append((i, m, a))
                    print(f"after {i:5d} cells: {m:8.1f} MB managed (+{m - m0:.1f}), {a} assemblies, "
                          f"median latency of the last {args.every}: {1000 * statistics.median(latencies[-args.every:]):.1f} ms", flush=True)
            first, last = statistics.median(latencies[:100]), statistics.median(latencies[-100:])
            growth = rows[-1][1] - m0
            print(f"retained growth after {args.cells} cells: {growth:.1f} MB (bound {args.bound_mb:.0f} MB); "
                  f"median latency first 100: {1000 * first:.1f} ms, last 100: {1000 * last:.1f} ms", flush=True)
            if growth > args.bound_mb:
                failures.append(f"memory grew {growth:.1f} MB > {args.bound_mb} MB")
            if last > 2 * first + 0.010:
                failures.append(f"latency not flat: {1000 * first:.1f} ms -> {1000 * last:.1f} ms")

            if not args.skip_output:
                n = 200_000
                t, reply, outputs = run(kc, f"for (int i = 0; i < {n}; i++) Console.WriteLine(i);")
                streams = [c for k, c in outputs if k == "stream"]
                text = "".join(c["text"] for c in streams if c["name"] == "stdout")
                got = len(text.split("\n")) - 1
                limited = any("were not sent" in c["text"] for c in streams if c["name"] == "stderr")
                print(f"{n} lines: {got} arrived in {len(streams)} messages, rate-limit notice: {limited}, "
                      f"reply {reply['status']} and idle after {t:.2f} s", flush=True)
                if reply["status"] != "ok" or (got != n and not limited):
                    failures.append(f"{n} lines: {got} arrived, no notice")

                t, reply, outputs = run(kc, "var huge = new string('x', 200_000_000);\nConsole.Write(huge);\ndisplay(huge);\nhuge")
                sizes = [(k, len(c.get("text", "") or c.get("data", {}).get("text/plain", ""))) for k, c in outputs if k in ("stream", "display_data", "execute_result")]
                notes = sum("output truncated" in (c.get("text", "") or c.get("data", {}).get("text/plain", "")) for k, c in outputs)
                total = sum(s for _, s in sizes)
                print(f"200M-character output x3: reply {reply['status']} after {t:.2f} s, {len(sizes)} messages, "
                      f"{total / 1e6:.1f} M characters received, {notes} truncation notes", flush=True)
                _, reply2, _ = run(kc, "huge = null; 1 + 1")
                if reply["status"] != "ok" or notes < 3 or reply2["status"] != "ok":
                    failures.append("200M-character output not truncated or kernel not alive")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("all bounds held")


if __name__ == "__main__":
    main()
