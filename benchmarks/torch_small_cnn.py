#!/usr/bin/env python3
"""Training throughput of the small VGG-style CNN in PyTorch (for `workbench bench train-cnn`, docs/benchmarks.md).

Usage: python3 benchmarks/torch_small_cnn.py N BATCH EPOCHS THREADS
Same architecture as Workbench.Models.SmallCnn (conv 1->16, 16->16, pool, 16->32, 32->32, pool, linear 1568->128, dropout 0.25,
linear 128->10), Adam lr 1e-3, cross-entropy, shuffled mini-batches of N random 28x28 images (seed 0); one warm-up epoch, then
EPOCHS timed epochs. Prints one JSON line: samples/s, seconds (wall and process CPU), final loss, versions.
"""
import json, sys, time
import torch, torch.nn as nn

n, batch, epochs, threads = map(int, sys.argv[1:5])
if threads > 0:
    torch.set_num_threads(threads)
torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
    nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10))
x = torch.rand(n, 1, 28, 28)
y = torch.randint(0, 10, (n,))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
gen = torch.Generator().manual_seed(0)

def epoch():
    model.train()
    order = torch.randperm(n, generator=gen)
    total = torch.zeros((), dtype=torch.float64)
    for s in range(0, n, batch):
        idx = order[s:s + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        total += loss.detach().double() * len(idx)
    return total.item() / n

epoch()  # warm-up
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(epochs):
    last = epoch()
t, c = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": t, "cpu_seconds": c,
                  "samples_per_second": n * epochs / t, "loss": last}))
