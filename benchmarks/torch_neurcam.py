#!/usr/bin/env python3
"""Training throughput of the NeurCAM network in PyTorch (for `workbench bench neurcam`, docs/benchmarks.md).

Usage: python3 benchmarks/torch_neurcam.py DATA N D R K C HIDDEN1 HIDDEN2 BASES BATCH EPOCHS THREADS
DATA holds N*D float32 features (z-scored) then N*R float32 representation rows, written by the C# side.
The model is Workbench.Additive.NeurCamNetwork's warm-up forward (NeurCAM Eqs. 9-12, official code's layout): C single
channels, entmax-1.5 gates over D logits at T = 1, one shared MLP 1 -> HIDDEN1 -> HIDDEN2 -> BASES (ReLU between), per-channel
heads BASES -> K with bias as one batched matmul, softmax, and the fuzzy c-means loss mean(w^1.05 * ||x~ - z||^2) with free
centroids; Adam lr 5e-3, shuffled batches. One warm-up epoch, then EPOCHS timed epochs. Prints one JSON line.
"""
import json, sys, time
import numpy as np
import torch

path = sys.argv[1]
n, d, r, k, c, h1, h2, b, batch, epochs, threads = map(int, sys.argv[2:13])
if threads > 0:
    torch.set_num_threads(threads)
raw = np.fromfile(path, dtype=np.float32)
x = torch.from_numpy(raw[:n * d].reshape(n, d).copy())
rep = torch.from_numpy(raw[n * d:n * d + n * r].reshape(n, r).copy())
torch.manual_seed(0)


class Entmax15(torch.autograd.Function):
    """entmax-1.5 along dim 1 by the exact sort-based threshold (Peters et al. 2019), closed-form backward."""
    @staticmethod
    def forward(ctx, z):
        z = (z - z.max(dim=1, keepdim=True).values) / 2
        zs, _ = torch.sort(z, dim=1, descending=True)
        rho = torch.arange(1, z.shape[1] + 1, dtype=z.dtype).unsqueeze(0)
        mean = zs.cumsum(1) / rho
        mean_sq = (zs ** 2).cumsum(1) / rho
        ss = rho * (mean_sq - mean ** 2)
        tau = mean - torch.sqrt(torch.clamp((1 - ss) / rho, min=0))
        support = (tau <= zs).sum(dim=1, keepdim=True)
        tau_star = tau.gather(1, support - 1)
        p = torch.clamp(z - tau_star, min=0) ** 2
        ctx.save_for_backward(p)
        return p

    @staticmethod
    def backward(ctx, dy):
        p, = ctx.saved_tensors
        s = p.sqrt()
        dx = dy * s
        q = dx.sum(dim=1, keepdim=True) / s.sum(dim=1, keepdim=True)
        return dx - q * s


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.logits = torch.nn.Parameter(torch.rand(c, d))
        self.mlp = torch.nn.Sequential(torch.nn.Linear(1, h1), torch.nn.ReLU(), torch.nn.Linear(h1, h2), torch.nn.ReLU(), torch.nn.Linear(h2, b))
        bound = 1 / b ** 0.5
        self.heads = torch.nn.Parameter(torch.empty(c, b, k).uniform_(-bound, bound))
        self.bias = torch.nn.Parameter(torch.empty(c, k).uniform_(-bound, bound))
        self.centroids = torch.nn.Parameter(rep[torch.randperm(n)[:k]].clone())

    def forward(self, xb):
        s = xb @ Entmax15.apply(self.logits).T                       # [B,C] (Eq. 9)
        basis = self.mlp(s.reshape(-1, 1)).reshape(xb.shape[0], c, b)  # [B,C,B] (Eq. 10)
        f = torch.bmm(basis.permute(1, 0, 2), self.heads) + self.bias.unsqueeze(1)   # [C,B,K] (Eq. 11)
        return f.sum(0)                                               # [B,K] (Eq. 12)


net = Net()
opt = torch.optim.Adam(net.parameters(), lr=5e-3)
gen = torch.Generator().manual_seed(0)


def epoch():
    order = torch.randperm(n, generator=gen)
    total = 0.0
    for s in range(0, n, batch):
        idx = order[s:s + batch]
        opt.zero_grad()
        w = net(x[idx]).softmax(1)
        d2 = ((rep[idx].unsqueeze(1) - net.centroids.unsqueeze(0)) ** 2).sum(2)
        loss = (w.pow(1.05) * d2).mean()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    return total / n


epoch()  # warm-up
t0, c0 = time.perf_counter(), time.process_time()
for _ in range(epochs):
    last = epoch()
t, cpu = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "seconds": t, "cpu_seconds": cpu,
                  "epochs_per_second": epochs / t, "loss": last}))
