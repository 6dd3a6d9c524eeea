using TorchSharp;
using Workbench.Models;
using Workbench.Models.Weights;
using Workbench.Reporting;
using Workbench.Training;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>
/// Grad-CeAM's reconstruction training step by step beside PyTorch (python3-torch 1.13) from the same initial weights and
/// the same batches: PyTorch runs the two autoencoders written out functionally (an independent forward pass, Keras Adam,
/// MSE, BatchNorm with Keras's momentum and ε), and the workbench's <see cref="AutoencoderTraining"/>/<see cref="Trainer"/>
/// must end at the same weights, running statistics and mean loss. A slower-learning port (wrong ε, momentum, loss
/// reduction, a missed parameter, a stale gradient) would drift from the peer within these steps.
/// </summary>
public class AutoencoderTrainingPeerTests : IClassFixture<AutoencoderTrainingPeerTests.Fixtures>
{
    const string Script = """
import sys, torch, torch.nn.functional as F
out = sys.argv[1]
torch.manual_seed(0)
def glorot(shape):  # Keras glorot_uniform: fans (in + out)·receptive, same sum for transposed kernels
    rec = 1
    for s in shape[2:]: rec *= s
    lim = (6.0 / ((shape[0] + shape[1]) * rec)) ** 0.5
    return (torch.rand(shape, dtype=torch.float64) * 2 * lim - lim).float()
def adam_train(S, names, fwd, x, batch, steps):
    params = [S[k] for k in names]
    for p in params: p.requires_grad_(True)
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    losses = []
    for s in range(steps):
        xb = x[s * batch:(s + 1) * batch]
        opt.zero_grad()
        loss = F.mse_loss(fwd(S, xb, True), xb)
        loss.backward(); opt.step(); losses.append(loss.item())
    return losses

# --- image CAE, MNIST configuration (ConvAutoencoder2D) ---
shapes = {'_enc.0.weight': [32, 1, 3, 3], '_enc.0.bias': [32], '_enc.1.weight': [64, 32, 5, 5], '_enc.1.bias': [64],
          '_dense.weight': [10, 1600], '_dense.bias': [10], '_decDense.weight': [1568, 10], '_decDense.bias': [1568],
          '_dec.0.weight': [32, 64, 5, 5], '_dec.0.bias': [64], '_dec.1.weight': [64, 32, 3, 3], '_dec.1.bias': [32],
          '_out.weight': [32, 1, 3, 3], '_out.bias': [1]}
S = {k: (glorot(v) if len(v) > 1 else torch.zeros(v)) for k, v in shapes.items()}
torch.save({k: v.clone() for k, v in S.items()}, f'{out}/cae-init.pth')
def cae(S, x, train):
    h = F.relu(F.conv2d(x, S['_enc.0.weight'], S['_enc.0.bias'], stride=2))
    h = F.relu(F.conv2d(h, S['_enc.1.weight'], S['_enc.1.bias'], stride=2))
    z = F.linear(h.flatten(1), S['_dense.weight'], S['_dense.bias'])
    h = F.relu(F.linear(z, S['_decDense.weight'], S['_decDense.bias'])).reshape(-1, 32, 7, 7)
    h = F.relu(F.conv_transpose2d(h, S['_dec.0.weight'], S['_dec.0.bias'], stride=2, padding=2, output_padding=1))
    h = F.relu(F.conv_transpose2d(h, S['_dec.1.weight'], S['_dec.1.bias'], stride=2, padding=1, output_padding=1))
    return torch.sigmoid(F.conv_transpose2d(h, S['_out.weight'], S['_out.bias'], stride=1, padding=1))
x = (torch.rand(192, 1, 28, 28) > 0.8).float()
losses = adam_train(S, list(shapes), cae, x, 64, 3)
torch.save({'x': x, 'losses': torch.tensor(losses, dtype=torch.float64), **{k: v.detach() for k, v in S.items()}}, f'{out}/cae-after.pth')

# --- time-series ResNet AE (ResNetAutoencoder1D), T = 24, filters [4, 6, 6] ---
T, filters = 24, [4, 6, 6]
S, trainable = {}, []
def block(prefix, cin, f):
    for conv, k, ci in (('_c1', 8, cin), ('_c2', 5, f), ('_c3', 3, f), ('_sc', 1, cin)):
        S[f'{prefix}.{conv}._conv.weight'] = glorot([f, ci, k]); S[f'{prefix}.{conv}._conv.bias'] = torch.zeros(f)
        trainable.extend([f'{prefix}.{conv}._conv.weight', f'{prefix}.{conv}._conv.bias'])
    for bn in ('_b1', '_b2', '_b3', '_bs'):
        S[f'{prefix}.{bn}.weight'] = torch.ones(f); S[f'{prefix}.{bn}.bias'] = torch.zeros(f)
        S[f'{prefix}.{bn}.running_mean'] = torch.zeros(f); S[f'{prefix}.{bn}.running_var'] = torch.ones(f)
        trainable.extend([f'{prefix}.{bn}.weight', f'{prefix}.{bn}.bias'])
cin = 1
for i, f in enumerate(filters): block(f'_enc.{i}', cin, f); cin = f
S['_dense.weight'] = glorot([10, cin]); S['_dense.bias'] = torch.zeros(10)
S['_decDense.weight'] = glorot([T, 10]); S['_decDense.bias'] = torch.zeros(T)
trainable.extend(['_dense.weight', '_dense.bias', '_decDense.weight', '_decDense.bias'])
cin = 1
for i, f in enumerate(reversed(filters)): block(f'_dec.{i}', cin, f); cin = f
S['_out._conv.weight'] = glorot([1, cin, 3]); S['_out._conv.bias'] = torch.zeros(1)
trainable.extend(['_out._conv.weight', '_out._conv.bias'])
torch.save({k: v.clone() for k, v in S.items()}, f'{out}/resnet-init.pth')
def same(x, w, b):
    k = w.shape[2]; left = (k - 1) // 2
    return F.conv1d(F.pad(x, (left, k - 1 - left)), w, b)
def bn(S, p, x, train):
    return F.batch_norm(x, S[p + '.running_mean'], S[p + '.running_var'], S[p + '.weight'], S[p + '.bias'], training=train, momentum=0.01, eps=1e-3)
def run_block(S, p, x, train):
    h = F.relu(bn(S, p + '._b1', same(x, S[p + '._c1._conv.weight'], S[p + '._c1._conv.bias']), train))
    h = F.relu(bn(S, p + '._b2', same(h, S[p + '._c2._conv.weight'], S[p + '._c2._conv.bias']), train))
    h = bn(S, p + '._b3', same(h, S[p + '._c3._conv.weight'], S[p + '._c3._conv.bias']), train)
    s = bn(S, p + '._bs', same(x, S[p + '._sc._conv.weight'], S[p + '._sc._conv.bias']), train)
    return F.relu(h + s)
def resnet(S, x, train):
    h = x
    for i in range(3): h = run_block(S, f'_enc.{i}', h, train)
    z = F.linear(h.mean(2), S['_dense.weight'], S['_dense.bias'])
    h = F.linear(z, S['_decDense.weight'], S['_decDense.bias']).reshape(-1, T, 1).transpose(1, 2)
    for i in range(3): h = run_block(S, f'_dec.{i}', h, train)
    return same(h, S['_out._conv.weight'], S['_out._conv.bias'])
x = torch.randn(30, 1, T)
losses = adam_train(S, trainable, resnet, x, 10, 3)
torch.save({'x': x, 'losses': torch.tensor(losses, dtype=torch.float64), **{k: v.detach() for k, v in S.items()}}, f'{out}/resnet-after.pth')
""";

    /// <summary>Runs the peer once per test class into a temporary folder.</summary>
    public sealed class Fixtures : IDisposable
    {
        /// <summary>The folder, or null when python3-torch is absent.</summary>
        public string? Dir { get; }

        /// <summary>Writes the fixtures.</summary>
        public Fixtures()
        {
            if (!PyTorchPeer.Available) return;
            Dir = Path.Combine(Path.GetTempPath(), $"wb-aepeer-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Dir);
            PyTorchPeer.Run(Script, Dir);
        }

        /// <summary>Deletes the folder.</summary>
        public void Dispose() { if (Dir is not null) Directory.Delete(Dir, true); }
    }

    readonly Fixtures _f;
    public AutoencoderTrainingPeerTests(Fixtures f) { _f = f; Progress.Enabled = false; }

    // Trains from the peer's initial weights on the peer's batches (in order, no shuffle) and compares the end state.
    void SameTrajectory(nn.Module<Tensor, Tensor> model, string name, int batch, double weightTol)
    {
        var init = PyTorchWeights.Read(Path.Combine(_f.Dir!, $"{name}-init.pth"));
        PyTorchWeights.Load(model, init);
        var after = PyTorchWeights.Read(Path.Combine(_f.Dir!, $"{name}-after.pth"));
        var x = after["x"];
        var trainer = new Trainer(Workbench.Training.Losses.MeanSquaredError, AutoencoderTraining.KerasAdam, 1e-3, epochs: 1, batchSize: batch, shuffle: false, progress: false)
            .Fit(model, x, x);
        // the epoch's mean loss is the mean of the peer's step losses (all batches are full)
        double peerLoss = after["losses"].mean().ToDouble();
        Assert.True(Math.Abs(trainer.History[0].Loss - peerLoss) <= 1e-5 * peerLoss, $"{name}: mean loss {trainer.History[0].Loss} vs PyTorch {peerLoss}");
        double moved = 0;
        foreach (var (key, t) in model.state_dict())
        {
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            // A convolution bias right before a BatchNorm (every block conv) has a zero gradient in exact arithmetic:
            // Adam turns either library's rounding noise (~1e-9) into ±lr steps, so those biases are not comparable;
            // they enter the running means only through momentum 0.01, hence the looser bound there (3 steps × 1e-3 × 0.01).
            if (key.Contains("._c", StringComparison.Ordinal) || key.Contains("._sc.", StringComparison.Ordinal))
                if (key.EndsWith("_conv.bias", StringComparison.Ordinal)) continue;
            double tol = key.EndsWith("running_mean", StringComparison.Ordinal) ? 5e-5 : weightTol;
            var peer = after[key].to_type(ScalarType.Float64);
            double diff = t.to_type(ScalarType.Float64).sub(peer).abs().max().ToDouble();
            Assert.True(diff <= tol, $"{name}: {key} differs from PyTorch's by {diff} after the same steps");
            moved = Math.Max(moved, peer.sub(init[key].to_type(ScalarType.Float64)).abs().max().ToDouble());
        }
        // Adam moves every weight by up to lr per step: the comparison is between trained states, not two copies of the init.
        Assert.True(moved > 1e-3, $"{name}: the peer's weights moved only {moved}");
    }

    [PyTorchFact]
    public void ImageCaeTrainsAsPyTorchFromTheSameInit() =>
        // 3 Adam steps of lr 1e-3 move a weight by at most 3e-3; float32 rounding in two libraries stays far below 1e-5.
        SameTrajectory(new ConvAutoencoder2D(seed: 99), "cae", 64, 1e-5);

    [PyTorchFact]
    public void ResNetAeTrainsAsPyTorchFromTheSameInit_BatchNormIncluded() =>
        // weights and BatchNorm running statistics (Keras momentum 0.99 = PyTorch 0.01, ε 1e-3)
        SameTrajectory(new ResNetAutoencoder1D(24, filters: [4, 6, 6], seed: 99), "resnet", 10, 1e-5);
}
