"""PyTorch peer of `workbench bench gradceam`: the Grad-CeAM MNIST CAE (Conv2d valid [32, 64], kernels [3, 5], stride 2,
Flatten, Dense(10); decoder Dense(7*7*32)+ReLU, ConvTranspose2d(64, 5, s2), ConvTranspose2d(32, 3, s2), ConvTranspose2d(1, 3, s1),
sigmoid), MSE, Adam(lr 1e-3, eps 1e-7), batch 64, float32, on the same random binary images.
Then times Grad-CeAM heatmaps (official variant: loss sum_j cw_j r_j^2 |z_j|, W = 2 sum dL/dA, cam = sum_k W_k A^k,
bilinear resize to 28x28, min-max per image) of min(N, 2000) images for cluster 0, with 10 centroids = 10 random codes.
Usage: python3 benchmarks/torch_gradceam_cae.py N EPOCHS THREADS
→ prints one line: training samples/s, then heatmap seconds (space separated)."""
import sys, time
import torch
import torch.nn as nn

n, epochs, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
if threads > 0:
    torch.set_num_threads(threads)
torch.manual_seed(0)


class Cae(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, stride=2)
        self.c2 = nn.Conv2d(32, 64, 5, stride=2)
        self.d = nn.Linear(1600, 10)
        self.dd = nn.Linear(10, 7 * 7 * 32)
        self.t1 = nn.ConvTranspose2d(32, 64, 5, stride=2, padding=2, output_padding=1)
        self.t2 = nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)
        self.o = nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1)

    def forward(self, x):
        h = torch.relu(self.c2(torch.relu(self.c1(x))))
        z = self.d(h.flatten(1))
        h = torch.relu(self.dd(z)).reshape(-1, 32, 7, 7)
        h = torch.relu(self.t2(torch.relu(self.t1(h))))
        return torch.sigmoid(self.o(h))


x = (torch.rand(n, 1, 28, 28) > 0.8).float()
m = Cae()
opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
# warm-up batch
loss = nn.functional.mse_loss(m(x[:64]), x[:64]); opt.zero_grad(); loss.backward(); opt.step()
t = time.perf_counter()
for e in range(epochs):
    perm = torch.randperm(n)
    for s in range(0, n, 64):
        xb = x[perm[s:s + 64]]
        opt.zero_grad()
        loss = nn.functional.mse_loss(m(xb), xb)
        loss.backward()
        opt.step()
dt = time.perf_counter() - t
train_rate = n * epochs / dt

# Grad-CeAM (official code, GradCam.py) on the trained model
m.eval()
with torch.no_grad():
    codes = m.d(torch.relu(m.c2(torch.relu(m.c1(x[:512])))).flatten(1))
mu = codes[torch.randperm(codes.shape[0])[:10]]


def heatmaps(xs, c, batch=1024):
    out = []
    s = (mu.unsqueeze(0) - mu.unsqueeze(1)).abs().sum(1)                      # Eq. 5
    cw = ((s - s.amin(1, keepdim=True)) / (s.amax(1, keepdim=True) - s.amin(1, keepdim=True)))[c]
    for b in range(0, xs.shape[0], batch):
        with torch.no_grad():
            a = torch.relu(m.c2(torch.relu(m.c1(xs[b:b + batch]))))
        a.requires_grad_(True)
        z = m.d(a.flatten(1))
        d = (mu.unsqueeze(1) - z.unsqueeze(0)).abs()                           # Eq. 6 (code)
        dmin, dmax = d.amin(0), d.amax(0)
        r = (dmax - dmin) / (d[c] - dmin + 1e-3)
        loss = (cw * r * r.abs() * z.abs()).sum()
        g, = torch.autograd.grad(loss, a)
        w = 2 * g.sum((2, 3))
        cam = (a.detach() * w[:, :, None, None]).sum(1, keepdim=True)
        h = torch.nn.functional.interpolate(cam, size=(28, 28), mode="bilinear", align_corners=False).flatten(1)
        lo, hi = h.amin(1, keepdim=True), h.amax(1, keepdim=True)
        out.append((h - lo) / (hi - lo + 1e-8))
    return torch.cat(out)


xs = x[:min(n, 2000)]
heatmaps(xs[:10], 0)  # warm-up
t = time.perf_counter()
heatmaps(xs, 0)
print(f"{train_rate:.1f} {time.perf_counter() - t:.3f}")
