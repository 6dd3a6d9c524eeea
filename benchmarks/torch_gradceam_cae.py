"""PyTorch peer of `workbench bench gradceam`: the Grad-CeAM MNIST CAE (Conv2d valid [32, 64], kernels [3, 5], stride 2,
Flatten, Dense(10); decoder Dense(7*7*32)+ReLU, ConvTranspose2d(64, 5, s2), ConvTranspose2d(32, 3, s2), ConvTranspose2d(1, 3, s1),
sigmoid), MSE, Adam(lr 1e-3, eps 1e-7), batch 64, float32, on the same random binary images.
Usage: python3 benchmarks/torch_gradceam_cae.py N EPOCHS THREADS  → prints samples/s of training."""
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
print(f"{n * epochs / dt:.1f}")
