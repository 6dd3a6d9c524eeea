#!/usr/bin/env python3
"""The whole IDC training on the synthetic set in PyTorch along the official code path, as a peer of
`Workbench.Clustering.Idc` for the Table 3 pass bar (docs/idc.md). Written from the digest's description of jsvir/idc
(train_evaluate.py, model.py, dataset.py; digest 004 sections 1 and 4), not copied.

Usage: /usr/bin/python3 benchmarks/torch_idc_synthetic.py HEAD_EPOCHS HC [SEED] [LR_STAGE1] [EVAL_EVERY]
  (Table 6/7: HEAD_EPOCHS 2000, HC 2, LR_STAGE1 1e-3.)

What differs from the workbench's `Idc` is exactly what the official code does and the port declares as deviations:
  - stage 2 computes the embeddings per batch with the frozen encoder in *train* mode (BatchNorm batch statistics of
    the batch, running statistics updated), instead of caching them once for all rows;
  - the global-gate step recomputes the head's logits after the head's step (head in train mode), as global_gates_step;
  - evaluation (every EVAL_EVERY epochs from E_pre - 1, and at the end) runs the whole model in eval mode on all rows;
  - numpy/torch random streams, not the workbench's generator.
Data: make_blobs(5000, 2, centers=3, std=0.5, random_state=0); cluster 2 stretched along x2; x3 ~ U(0,1) splits
cluster 2 into classes 2 (x3 <= 0.5) and 3 (x3 > 0.5, x3 += 0.5); class 0 takes class 1's x1; classes 0 and 1 get x3
rescaled to the range of classes 2 and 3; ten N(0, 0.01) columns; classes cut to the size of class 3; x1..x3 z-scored.
Configuration (Table 6/7 synthetic row, cfg_mnist.yaml scalars): encoder 13-10-8, gating 13-16-13, head 8-HC-4, aux
13-16-4, batch 800, E_ng 10, E_pre 50, E_gg = 51 + HEAD_EPOCHS / 2, lambda_loc 1, lambda_glob 1e-4, gtcr_lambda 0.01,
p_mask 0.9, sigma_h 0.01, tau 100, eps 0.1, Adam LR_STAGE1 / 1e-2, SGD 1e-2, cosine floors 1e-6.
Prints JSON lines per evaluation and a final line: cluster sizes, Hungarian ACC, gate open rate per column, gate F1.
"""
import json, math, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.functional as F
from scipy.optimize import linear_sum_assignment
from sklearn.datasets import make_blobs

head_epochs, hc = int(sys.argv[1]), int(sys.argv[2])
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
lr1 = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-3
every = int(sys.argv[5]) if len(sys.argv) > 5 else 250
torch.set_num_threads(1)
np.random.seed(seed)
torch.manual_seed(seed)

# ---- data (digest section 4) ----
x, y = make_blobs(5000, 2, centers=3, cluster_std=0.5, random_state=0)
lo, hi = x[:, 1].min(), x[:, 1].max()
c2 = y == 2
x[c2, 1] = lo + (x[c2, 1] - x[c2, 1].min()) / (x[c2, 1].max() - x[c2, 1].min()) * (hi - lo)
z = np.random.uniform(0, 1, len(y))
y[(y == 2) & (z > 0.5)] = 3
i0, i1 = np.where(y == 0)[0], np.where(y == 1)[0]
m01 = min(len(i0), len(i1))
x[i0[:m01], 0] = x[i1[:m01], 0]
x3 = z.copy()
x3[y == 3] += 0.5
lo3, hi3 = x3[y >= 2].min(), x3[y >= 2].max()
for idx in (i0, i1):
    x3[idx] = lo3 + (x3[idx] - x3[idx].min()) / (x3[idx].max() - x3[idx].min()) * (hi3 - lo3)
data = np.concatenate([x, x3[:, None], np.random.normal(0, 0.01, (len(y), 10))], 1)
m = (y == 3).sum()
keep = np.concatenate([np.where(y == c)[0][:m] for c in range(4)])
data, y = data[keep], y[keep]
data[:, :3] = (data[:, :3] - data[:, :3].mean(0)) / data[:, :3].std(0)
support = np.zeros_like(data, dtype=bool)
support[:, 0] = True
support[y <= 1, 1] = True
support[y >= 2, 2] = True
X = torch.tensor(data, dtype=torch.float32)
n, D = X.shape
K, B = 4, min(n, 800)
steps = n // B
E_ng, E_pre = 10, 50
E_tot = E_pre + 1 + head_epochs
E_gg = E_pre + 1 + head_epochs // 2


def stack(inp, widths, out):
    layers, w = [], inp
    for h in widths:
        layers += [nn.Linear(w, h), nn.BatchNorm1d(h), nn.ReLU()]
        w = h
    return nn.Sequential(*layers, nn.Linear(w, out))


enc, dec = stack(D, [10], 8), stack(8, [10], D)
gating = nn.Sequential(nn.Linear(D, 16), nn.Tanh(), nn.Linear(16, D), nn.Tanh())
head, aux = stack(8, [hc], K), stack(D, [16], K)
zg = nn.Parameter(0.01 * torch.randn(K, D))
for mod in (enc, dec, gating, head, aux):
    for layer in mod.modules():
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=0.001)          # biases keep torch's default (the code's zeroing is dead)


def phi(v):
    return 0.5 * (1 + torch.erf(v / math.sqrt(2)))


def gates_eval(xb):
    with torch.no_grad():
        return (gating(xb) + 0.5).clamp(0, 1)


def compress(h, p, eps=0.1):
    w = F.normalize(h).T
    d, bb = w.shape
    total = h.new_zeros(())
    for c in range(p.shape[1]):
        pi = p[:, c]
        tr = pi.sum() + 1e-8
        total = total + tr / (2 * bb) * torch.logdet(torch.eye(d) + d / (tr * eps) * (w * pi) @ w.T)
    return total / d


def hungarian(pred):
    t = np.zeros((K, K))
    for a, b in zip(pred, y):
        t[a, b] += 1
    r, c = linear_sum_assignment(-t)
    return t[r, c].sum() / len(y)


def evaluate(e):
    for mod in (enc, gating, head):
        mod.eval()
    with torch.no_grad():
        g = gates_eval(X)
        lab = head(enc(X * g)).argmax(1).numpy()
    for mod in (enc, gating, head):
        mod.train()
    open_ = (g > 0).numpy()
    tp = (open_ & support).sum(1); fp = (open_ & ~support).sum(1); fn = (~open_ & support).sum(1)
    f1 = float(np.mean(2 * tp / np.maximum(2 * tp + fp + fn, 1)))
    return {"epoch": e, "sizes": np.bincount(lab, minlength=K).tolist(), "acc": round(hungarian(lab), 4), "f1": round(f1, 4),
            "open_rate": [round(v, 3) for v in open_.mean(0).tolist()]}


opt1 = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()) + list(gating.parameters()), lr=lr1)
sched1 = torch.optim.lr_scheduler.CosineAnnealingLR(opt1, T_max=steps * E_pre, eta_min=1e-6)
opt2 = torch.optim.Adam(head.parameters(), lr=1e-2)
sched2 = torch.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=steps * (E_tot - E_pre), eta_min=1e-6)
opt3 = torch.optim.SGD(list(aux.parameters()) + [zg], lr=1e-2)
for mod in (enc, dec, gating, head, aux):
    mod.train()
records = []
for e in range(E_tot):
    order = torch.randperm(n)
    for s in range(steps):
        xb = X[order[s * B:(s + 1) * B]]
        if e <= E_pre:                                       # stage 1 (TE: training_step, ae_step)
            opt1.zero_grad()
            if e > E_ng:
                mu = gating(xb)
                gts = (mu + 0.5 + 0.5 * torch.normal(0.0, 0.5, size=mu.shape)).clamp(0, 1)
                beta = 0.5 * (1 + math.cos((e - E_pre) * math.pi / (E_pre - E_ng)))
                gram = gts.T @ gts                           # D x D: D = 13 is small here
                gtcr = -0.5 * torch.logdet(torch.eye(D) + D / B * gram) / B
                loss = beta * phi(mu + 0.5).mean() + 0.01 * gtcr
            else:
                gts, loss = torch.ones_like(xb), 0
            loss = loss + F.mse_loss(dec(enc(xb)), xb) + F.mse_loss(dec(enc(xb * gts)), xb)
            mask = (torch.rand(xb.shape) >= 0.9).float()
            loss = loss + F.mse_loss(dec(enc(xb * mask)), xb)
            lat = enc(xb)
            loss = loss + F.mse_loss(dec(lat * torch.normal(1.0, 0.01, size=lat.shape)), xb)
            loss.backward()
            opt1.step()
            sched1.step()
            continue
        opt2.zero_grad()                                     # stage 2: encoder frozen but in train mode
        h = enc(xb * gates_eval(xb))
        logits = head(h)
        u = torch.rand_like(logits)
        p = ((F.log_softmax(logits, -1) - (-u.log()).log()) / 100.0).softmax(1)
        compress(h, p).backward()
        opt2.step()
        if e >= E_gg:                                        # global_gates_step: logits recomputed after the head's step
            opt3.zero_grad()
            with torch.no_grad():
                g = gates_eval(xb)
                yh = head(enc(xb * g)).argmax(-1)
            mu_g = zg[yh].tanh()
            zgt = (mu_g + 0.5 + 0.5 * torch.normal(0.0, 0.5, size=mu_g.shape)).clamp(0, 1)
            (F.cross_entropy(aux(xb * g * zgt), yh) + 1e-4 * phi(mu_g + 0.5).mean()).backward()
            opt3.step()
        sched2.step()
    if (e >= E_pre - 1 and (e - E_pre) % every == 0) or e == E_tot - 1:
        rec = evaluate(e)
        records.append(rec)
        print(json.dumps(rec), flush=True)
print(json.dumps({"final": records[-1], "best_acc_oracle": max(r["acc"] for r in records), "hc": hc, "head_epochs": head_epochs,
                  "seed": seed, "lr_stage1": lr1, "class_size": int(m), "torch": torch.__version__}))
