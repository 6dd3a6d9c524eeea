#!/usr/bin/env python3
"""VGG-16 forward and gradient x input in PyTorch (the peer of `workbench bench vgg`, docs/benchmarks.md).

Usage: python3 benchmarks/torch_vgg.py SIZE BATCH REPS THREADS
VGG-16 in torchvision's layout (features: 13 conv 3x3 + ReLU, 5 max-pools; adaptive avg-pool 7x7; classifier
25088-4096-4096-1000), built with torch.nn (no torchvision needed), random weights, eval mode, random N(0,1) inputs.
Times (median of REPS after one warm-up for one image; the batch once, without its own warm-up): the forward pass without
grad, and gradient x input of the top logit (forward with grad + backward to the input; equal to LRP-0 on this network).
Prints one JSON line.
"""
import json, sys, time
import torch, torch.nn as nn

size, batch, reps, threads = map(int, sys.argv[1:5])
if threads > 0:
    torch.set_num_threads(threads)
torch.manual_seed(0)
cfg = [64, 64, -1, 128, 128, -1, 256, 256, 256, -1, 512, 512, 512, -1, 512, 512, 512, -1]
layers, c = [], 3
for v in cfg:
    if v < 0:
        layers.append(nn.MaxPool2d(2, 2))
    else:
        layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU()]
        c = v
model = nn.Sequential(nn.Sequential(*layers), nn.AdaptiveAvgPool2d((7, 7)), nn.Flatten(),
                      nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(), nn.Dropout(),
                      nn.Linear(4096, 1000)).eval()
for p in model.parameters():
    p.requires_grad_(False)
x1 = torch.randn(1, 3, size, size)
xb = torch.randn(batch, 3, size, size)


def forward(x):
    with torch.no_grad():
        model(x)


def grad_x_input(x):
    x = x.clone().requires_grad_(True)
    y = model(x)
    sel = torch.zeros_like(y).scatter_(1, y.argmax(1, keepdim=True), 1.0)
    (g,) = torch.autograd.grad(y, x, sel)
    return g * x


def timed(f, x, n, warm=True):
    if warm:
        f(x)
    ts = []
    for _ in range(n):
        t = time.perf_counter()
        f(x)
        ts.append(time.perf_counter() - t)
    ts.sort()
    return ts[len(ts) // 2]


out = {"torch": torch.__version__, "threads": torch.get_num_threads(),
       "forward_1": timed(forward, x1, reps), "grad_1": timed(grad_x_input, x1, reps),
       "forward_b": timed(forward, xb, 1, False), "grad_b": timed(grad_x_input, xb, 1, False)}
print(json.dumps(out))
