using TorchSharp;
using static TorchSharp.torch;

namespace Workbench.Compute;

/// <summary>
/// The workbench's one device policy: CUDA when available, CPU otherwise; overridable with
/// <see cref="Use(string)"/> or the environment variable <c>WORKBENCH_DEVICE</c> (<c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).
/// Every tensor method takes a <c>Device? device = null</c> and falls back to <see cref="Default"/>, so a notebook
/// written on a laptop runs unchanged on a GPU.
/// </summary>
public static class Devices
{
    static Device? _default;

    /// <summary>The device used when a method is given none.</summary>
    public static Device Default => _default ??= Choose(Environment.GetEnvironmentVariable("WORKBENCH_DEVICE"));

    /// <summary>Sets the default device, e.g. <c>Devices.Use("cpu")</c>.</summary>
    public static Device Use(string device) => _default = Choose(device);

    /// <summary>Sets the default device.</summary>
    public static Device Use(Device device) => _default = device;

    /// <summary><paramref name="device"/> if given, else <see cref="Default"/>.</summary>
    public static Device Resolve(Device? device) => device ?? Default;

    /// <summary>Whether a CUDA device can be used by this process.</summary>
    public static bool CudaAvailable => torch.cuda.is_available();

    static Device Choose(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec) || spec.Equals("auto", StringComparison.OrdinalIgnoreCase))
            return CudaAvailable ? CUDA : CPU;
        var dev = new Device(spec.Trim().ToLowerInvariant());
        if (dev.type == DeviceType.CUDA && !CudaAvailable)
            throw new InvalidOperationException(
                $"Device '{spec}' was asked for (WORKBENCH_DEVICE or Devices.Use) but CUDA is not available in this process. " +
                "Use 'cpu', or install the CUDA build of TorchSharp (see environment.md).");
        return dev;
    }

    /// <summary>A one-line description: device, libtorch threads, CUDA device count.</summary>
    public static string Describe() =>
        $"device {Default}, {torch.get_num_threads()} CPU threads, CUDA {(CudaAvailable ? $"available ({torch.cuda.device_count()} device(s))" : "not available")}";
}
