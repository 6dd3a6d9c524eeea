#!/usr/bin/env python3
"""PyTorch peer of `workbench bench idc`: one IDC training epoch of each stage, same model, data sizes and threads.

Usage: /usr/bin/python3 benchmarks/torch_idc_epoch.py N D BATCH THREADS HIDDEN LATENT HG HC HA K [EPOCHS_TIMED]
       HIDDEN is comma separated (the MNIST configuration: 512,512,2048; latent 10; H_g 784; H_c 2048; H_a 2048; K 10).

Re-implemented from the official code's description (jsvir/idc model.py and train_evaluate.py, digest 004 section 1),
and in the same form as `Workbench.Clustering.Idc` (so that the two time the same algorithm):
  model     encoder [Linear -> BatchNorm1d -> ReLU] per hidden width, Linear to the latent; decoder mirrored, Linear to D;
            gating net Linear(D,H_g) -> tanh -> Linear(H_g,D) -> tanh; head Linear(d,H_c) -> BN -> ReLU -> Linear(H_c,K);
            auxiliary classifier Linear(D,H_a) -> BN -> ReLU -> Linear(H_a,K); global gates Z_G [K,D].
  stage 1   (gated epoch) z = clamp(mu + 0.5 + 0.25 n, 0, 1); loss = MSE(x) + MSE(x*mask, p = 0.9) + MSE(latent noise 0.01)
            + MSE(x*z) + beta * mean Phi(mu + 0.5) + 0.01 * (-1/2 logdet(I_B + D/B z z^T)) / B  (B x B form);
            Adam 1e-3 with the per-step cosine learning rate set by hand, as the workbench does.
  stage 2   (epoch with global gates) the embeddings h = f2(x * z) cached once (eval mode); per step the head's
            Gumbel-softmax (tau 100) and the compression loss (eps 0.1, / d) with Adam 1e-2, then the auxiliary
            classifier on x * z * z_G with cross-entropy against the head's argmax + 1e-4 * mean Phi(mu_G + 0.5), SGD 1e-2.
Data: uniform random [0, 1) rows, seed 0 (timing does not depend on the values). Shuffled batches, drop_last.
Two untimed warm-up steps of each stage, then EPOCHS_TIMED timed epochs (default 1).
Prints one JSON line: wall and CPU seconds per stage-1 epoch and per stage-2 epoch (medians of the timed ones), torch version.
"""
import json, math, sys, time
import torch, torch.nn as nn, torch.nn.functional as F

n, D, batch, threads = (int(v) for v in sys.argv[1:5])
hidden = [int(v) for v in sys.argv[5].split(",")]
latent, hg, hc, ha, K = (int(v) for v in sys.argv[6:11])
timed = int(sys.argv[11]) if len(sys.argv) > 11 else 1
if threads > 0:
    torch.set_num_threads(threads)
torch.manual_seed(0)
gen = torch.Generator().manual_seed(0)


def stack(inp, widths, out):
    layers, w = [], inp
    for h in widths:
        layers += [nn.Linear(w, h), nn.BatchNorm1d(h), nn.ReLU()]
        w = h
    return nn.Sequential(*layers, nn.Linear(w, out))


enc, dec = stack(D, hidden, latent), stack(latent, hidden[::-1], D)
gating = nn.Sequential(nn.Linear(D, hg), nn.Tanh(), nn.Linear(hg, D), nn.Tanh())
head = stack(latent, [hc], K)
aux = stack(D, [ha], K)
zg = nn.Parameter(0.01 * torch.randn(K, D))
for m in (enc, dec, gating, head, aux):
    for layer in m.modules():
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, std=0.001)

x = torch.rand(n, D, generator=gen)
b = min(n, batch)
steps = n // b


def phi(v):
    return 0.5 * (1 + torch.erf(v / math.sqrt(2)))


def stage1_epoch(opt, beta, limit=None):
    enc.train(); dec.train(); gating.train()
    order = torch.randperm(n, generator=gen)
    total = 0.0
    for s in range(steps if limit is None else min(limit, steps)):
        xb = x[order[s * b:(s + 1) * b]]
        opt.zero_grad()
        loss = F.mse_loss(dec(enc(xb)), xb)
        mask = (torch.rand(xb.shape, generator=gen) >= 0.9).float()
        loss = loss + F.mse_loss(dec(enc(xb * mask)), xb)
        eta = 1 + 0.01 * torch.randn(xb.shape[0], latent, generator=gen)
        loss = loss + F.mse_loss(dec(enc(xb) * eta), xb)
        mu = gating(xb)
        z = (mu + 0.5 + 0.25 * torch.randn(mu.shape, generator=gen)).clamp(0, 1)
        loss = loss + F.mse_loss(dec(enc(xb * z)), xb)
        gram = z @ z.T
        gtcr = -0.5 * torch.linalg.slogdet(torch.eye(b) + D / b * gram)[1]
        loss = loss + beta * phi(mu + 0.5).mean() + 0.01 * gtcr / b
        loss.backward()
        total += loss.item()
        with torch.no_grad():
            (mu + 0.5).clamp(0, 1).gt(0).sum(1).float().mean().item()   # the open-gate count the workbench logs
        opt.step()
    return total / steps


def compress(h, p, eps=0.1):
    hn = F.normalize(h)
    bb, d = hn.shape
    total = h.new_zeros(())
    for c in range(p.shape[1]):
        pi = p[:, c]
        tr = pi.sum() + 1e-8
        weighted = hn * pi.unsqueeze(1)
        gram = weighted @ hn.T if bb <= d else hn.T @ weighted
        total = total + tr / (2 * bb) * torch.linalg.slogdet(torch.eye(gram.shape[0]) + (d / eps) / tr * gram)[1]
    return total / d


def stage2_epoch(opt_head, opt_glob, h_all, z_all, limit=None):
    head.train(); aux.train()
    order = torch.randperm(n, generator=gen)
    total = 0.0
    for s in range(steps if limit is None else min(limit, steps)):
        idx = order[s * b:(s + 1) * b]
        opt_head.zero_grad()
        hb = h_all[idx]
        logits = head(hb)
        u = torch.rand(logits.shape, generator=gen).clamp(1e-20, 1 - 1e-7)
        y = ((F.log_softmax(logits, 1) - (-u.log()).log()) / 100.0).softmax(1)
        loss = compress(hb, y)
        loss.backward()
        total += loss.item()
        cl = logits.detach().argmax(1)
        opt_head.step()
        opt_glob.zero_grad()
        mu_g = zg[cl].tanh()
        z_g = (mu_g + 0.5 + 0.25 * torch.randn(mu_g.shape, generator=gen)).clamp(0, 1)
        ce = F.cross_entropy(aux(x[idx] * z_all[idx] * z_g), cl) + 1e-4 * phi(mu_g + 0.5).mean()
        ce.backward()
        opt_glob.step()
    return total / steps


opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()) + list(gating.parameters()), lr=1e-3)
t1, c1 = [], []
for e in range(timed + 1):
    for g in opt.param_groups:
        g["lr"] = 1e-3
    t, c = time.perf_counter(), time.process_time()
    stage1_epoch(opt, 0.5, limit=2 if e == 0 else None)
    if e > 0:
        t1.append(time.perf_counter() - t); c1.append(time.process_time() - c)
enc.eval(); dec.eval(); gating.eval()
with torch.no_grad():
    z_all = (gating(x) + 0.5).clamp(0, 1)
    h_all = enc(x * z_all)
opt_head = torch.optim.Adam(head.parameters(), lr=1e-2)
opt_glob = torch.optim.SGD(list(aux.parameters()) + [zg], lr=1e-2)
t2, c2 = [], []
for e in range(timed + 1):
    t, c = time.perf_counter(), time.process_time()
    stage2_epoch(opt_head, opt_glob, h_all, z_all, limit=2 if e == 0 else None)
    if e > 0:
        t2.append(time.perf_counter() - t); c2.append(time.process_time() - c)


def median(v):
    return sorted(v)[len(v) // 2]


print(json.dumps({"stage1_seconds": median(t1), "stage1_cpu_seconds": median(c1), "stage2_seconds": median(t2),
                  "stage2_cpu_seconds": median(c2), "threads": torch.get_num_threads(), "torch": torch.__version__}))
