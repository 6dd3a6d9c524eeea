#!/usr/bin/env python3
"""PyTorch peer of `workbench bench idc` (coding-rate part): IDC's gate coding-rate loss (Eq. 4, the code's scalars)
forward + backward at batch B and D features, in the B x B form -1/2 logdet(I_B + D/B Z Z^T) / B * 0.01, on gates
Z = clamp(U(-0.5, 1.5)) with gradient. Usage: /usr/bin/python3 benchmarks/torch_idc_coding_rate.py B D THREADS REPS
Prints one JSON line: median wall and CPU milliseconds per step over REPS steps after 3 warm-up steps."""
import json, sys, time
import torch

b, d, threads, reps = (int(v) for v in sys.argv[1:5])
if threads > 0:
    torch.set_num_threads(threads)
gen = torch.Generator().manual_seed(0)
raw = (torch.rand(b, d, generator=gen) * 2 - 0.5).requires_grad_(True)


def step():
    z = raw.clamp(0, 1)
    loss = -0.5 * torch.linalg.slogdet(torch.eye(b) + d / b * (z @ z.T))[1] / b * 0.01
    loss.backward()
    raw.grad = None
    return loss.item()


for _ in range(3):
    step()
times, cpu = [], []
for _ in range(reps):
    t, c = time.perf_counter(), time.process_time()
    step()
    times.append(1000 * (time.perf_counter() - t))
    cpu.append(1000 * (time.process_time() - c))
print(json.dumps({"ms": sorted(times)[len(times) // 2], "cpu_ms": sorted(cpu)[len(cpu) // 2], "threads": torch.get_num_threads(),
                  "torch": torch.__version__}))
