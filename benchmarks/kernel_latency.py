#!/usr/bin/env python3
"""Latency of the workbench Jupyter kernel, measured through Jupyter's own client (Debian's python3-jupyter-client).

  start-to-first-result: from launching the kernel process until the execute_result of `1+1` arrives
                         (process start, .NET start-up, engine load, first compilation), over --starts fresh kernels;
  round trip:            execute_request of `1+1` until its execute_reply and idle status, after --warmup cells,
                         over --runs cells in one kernel.

Usage (from the repository root; Release build recommended):
  dotnet build src/Workbench.Cli -c Release
  /usr/bin/python3 benchmarks/kernel_latency.py [--workbench src/Workbench.Cli/bin/Release/net10.0/workbench] [--runs 100] [--starts 5]

The kernelspec is installed into a temporary prefix (`workbench kernel install --prefix`), never into the user's Jupyter.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_workbench():
    for config in ("Release", "Debug"):
        path = os.path.join(ROOT, "src", "Workbench.Cli", "bin", config, "net10.0", "workbench")
        if os.path.exists(path):
            return path
    sys.exit("No built workbench found: run `dotnet build src/Workbench.Cli -c Release` or pass --workbench.")


def install(workbench, prefix):
    cmd = ["dotnet", workbench] if workbench.endswith(".dll") else [workbench]
    subprocess.run(cmd + ["kernel", "install", "--prefix", prefix], check=True, stdout=subprocess.DEVNULL)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")


def execute(kc, code, timeout=120):
    """Sends code; returns (seconds until execute_reply and idle, text/plain of the result)."""
    result = []
    start = time.perf_counter()
    reply = kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: result.append(m["content"]["data"]["text/plain"])
                                   if m["msg_type"] == "execute_result" else None)
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    return elapsed, (result[0] if result else None)


def start_to_first_result(KernelManager):
    """One fresh kernel: seconds from launch to the first `1+1` result (kernel_info handshake included)."""
    start = time.perf_counter()
    km = KernelManager(kernel_name="workbench-csharp")
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    ready = time.perf_counter() - start
    _, value = execute(kc, "1+1")
    first = time.perf_counter() - start
    assert value == "2", value
    return km, kc, ready, first


def percentile(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workbench", default=None, help="workbench apphost or workbench.dll (default: the Release, else Debug, build)")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()

    workbench = os.path.abspath(args.workbench or default_workbench())
    prefix = tempfile.mkdtemp(prefix="wb-kernel-bench-")
    install(workbench, prefix)
    from jupyter_client.manager import KernelManager   # after JUPYTER_PATH is set

    readies, firsts = [], []
    for i in range(args.starts):
        km, kc, ready, first = start_to_first_result(KernelManager)
        readies.append(ready)
        firsts.append(first)
        if i < args.starts - 1:
            kc.stop_channels()
            km.shutdown_kernel(now=False)

    # Round trips in the last kernel.
    for _ in range(args.warmup):
        execute(kc, "1+1")
    trips = []
    for _ in range(args.runs):
        elapsed, value = execute(kc, "1+1")
        assert value == "2", value
        trips.append(elapsed * 1000)
    kc.stop_channels()
    km.shutdown_kernel(now=False)

    load = os.getloadavg()
    results = {
        "workbench": workbench,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        "starts": args.starts,
        "ready_s_median": round(statistics.median(readies), 3),
        "start_to_first_result_s_median": round(statistics.median(firsts), 3),
        "start_to_first_result_s_all": [round(f, 3) for f in firsts],
        "runs": args.runs,
        "round_trip_ms_median": round(statistics.median(trips), 1),
        "round_trip_ms_p90": round(percentile(trips, 0.9), 1),
        "round_trip_ms_min": round(min(trips), 1),
        "round_trip_ms_max": round(max(trips), 1),
    }
    print(f"kernel start to first result (1+1): median {results['start_to_first_result_s_median']:.2f} s over {args.starts} starts "
          f"(kernel_info ready after {results['ready_s_median']:.2f} s); all: {results['start_to_first_result_s_all']}")
    print(f"round trip of 1+1 after {args.warmup} warm-up cells: median {results['round_trip_ms_median']} ms, "
          f"p90 {results['round_trip_ms_p90']} ms, min {results['round_trip_ms_min']} ms, max {results['round_trip_ms_max']} ms over {args.runs} runs")
    print(f"machine: {results['machine']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    subprocess.run((["dotnet", workbench] if workbench.endswith(".dll") else [workbench]) + ["kernel", "uninstall", "--prefix", prefix],
                   stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
