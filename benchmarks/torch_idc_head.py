#!/usr/bin/env python3
"""IDC stage 2 (the clustering head) in PyTorch, as a peer of `Workbench.Clustering.Idc` on the same embeddings.

Usage: /usr/bin/python3 benchmarks/torch_idc_head.py EMB.npy LABELS.npy K EPOCHS BATCH TAU HC [SEED] [EVAL_EVERY]

EMB.npy holds the cached stage-2 embeddings h = f2(x * z) [N, d] written by the workbench (`Npy.Write(path,
idc.Embeddings)`), LABELS.npy the true classes [N] (only to score). Re-implemented from the official code's description
(jsvir/idc train_evaluate.py and model.py, digest 004 section 1), not copied:
  head      Linear(d, HC) -> BatchNorm1d -> ReLU -> Linear(HC, K), weights N(0, 0.001^2), biases torch's default;
  step      log_softmax(logits) + Gumbel noise, divided by TAU, softmax (no straight-through);
  loss      (1/d) sum_k tr_k/(2B) logdet(I_d + d/(tr_k eps) W Pi_k W^T), W = row-normalised h transposed, eps = 0.1;
  optimiser Adam 1e-2 with CosineAnnealingLR to 1e-6 over (N // B) * (EPOCHS + 1) steps, shuffled batches, drop_last;
  labels    argmax of the head in eval mode (BatchNorm running statistics) on all N rows.
Prints one JSON line per evaluation (epoch, cluster sizes, Hungarian ACC) and a final summary line.
"""
import json, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from scipy.optimize import linear_sum_assignment

emb_path, lab_path = sys.argv[1:3]
k, epochs, batch = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
tau, hc = float(sys.argv[6]), int(sys.argv[7])
seed = int(sys.argv[8]) if len(sys.argv) > 8 else 0
every = int(sys.argv[9]) if len(sys.argv) > 9 else 10
torch.set_num_threads(1)
torch.manual_seed(seed)
h = torch.tensor(np.load(emb_path), dtype=torch.float32)
y = np.load(lab_path).astype(np.int64)
n, d = h.shape
b = min(n, batch)

head = nn.Sequential(nn.Linear(d, hc), nn.BatchNorm1d(hc), nn.ReLU(), nn.Linear(hc, k))
for layer in head:
    if isinstance(layer, nn.Linear):
        nn.init.normal_(layer.weight, std=0.001)


def compress(emb, p, eps=0.1):
    w = F.normalize(emb).T                                   # [d, B]
    dd, bb = w.shape
    total = emb.new_zeros(())
    for c in range(p.shape[1]):
        pi = p[:, c]
        tr = pi.sum() + 1e-8
        gram = (w * pi) @ w.T
        total = total + tr / (2 * bb) * torch.logdet(torch.eye(dd) + dd / (tr * eps) * gram)
    return total / dd


def hungarian(truth, pred):
    m = np.zeros((k, max(k, truth.max() + 1)))
    for t, q in zip(truth, pred):
        m[q, t] += 1
    r, c = linear_sum_assignment(-m)
    return m[r, c].sum() / len(truth)


opt = torch.optim.Adam(head.parameters(), lr=1e-2)
steps = (n // b) * (epochs + 1)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps, eta_min=1e-6)
gen = torch.Generator().manual_seed(seed)
records = []
for e in range(1, epochs + 1):
    head.train()
    order = torch.randperm(n, generator=gen)
    for s in range(n // b):
        idx = order[s * b:(s + 1) * b]
        logits = head(h[idx])
        g = -torch.log(-torch.log(torch.rand(logits.shape, generator=gen)))
        p = ((F.log_softmax(logits, 1) + g) / tau).softmax(1)
        loss = compress(h[idx], p)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    if e % every == 0 or e == epochs:
        head.eval()
        with torch.no_grad():
            lab = head(h).argmax(1).numpy()
        rec = {"epoch": e, "sizes": np.bincount(lab, minlength=k).tolist(), "acc": round(hungarian(y, lab), 4), "loss": round(loss.item(), 5)}
        records.append(rec)
        print(json.dumps(rec))
print(json.dumps({"final": records[-1], "best_acc_oracle": max(r["acc"] for r in records), "tau": tau, "hc": hc,
                  "epochs": epochs, "batch": b, "torch": torch.__version__}))
