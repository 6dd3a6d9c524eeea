using TorchSharp;
using Workbench.Compute;
using static TorchSharp.torch;

namespace Workbench.Tests;

/// <summary>libtorch loads on this machine (on Debian 12 only thanks to build/WeakenGlibcxxVersion.cs) and computes.</summary>
public class TorchTests
{
    [Fact]
    public void TorchInitialisesAndComputes()
    {
        var a = tensor(new double[,] { { 1, 2 }, { 3, 4 } }, device: Devices.Default);
        var b = a.matmul(a.T).cpu();
        Assert.Equal(new double[] { 5, 11, 11, 25 }, b.data<double>().ToArray());
    }

    [Fact]
    public void DefaultDeviceIsCpuWithoutCuda()
    {
        if (!Devices.CudaAvailable) Assert.Equal(DeviceType.CPU, Devices.Default.type);
        else Assert.Equal(DeviceType.CUDA, Devices.Default.type);
    }
}
