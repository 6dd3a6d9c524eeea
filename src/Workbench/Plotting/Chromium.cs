using System.Diagnostics;

namespace Workbench.Plotting;

/// <summary>Headless Chromium, used to render charts to PNG (Debian: <c>apt-get install chromium</c>).</summary>
public static class Chromium
{
    /// <summary>The browser executable: <c>WORKBENCH_CHROMIUM</c>, else the usual install places; null when none is found.</summary>
    public static string? Executable
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("WORKBENCH_CHROMIUM");
            if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : null;
            string[] candidates = OperatingSystem.IsWindows()
                ? new[] { @"C:\Program Files\Google\Chrome\Application\chrome.exe", @"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe", @"C:\Program Files\Microsoft\Edge\Application\msedge.exe" }
                : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" };
            return candidates.FirstOrDefault(File.Exists);
        }
    }

    /// <summary>Renders an HTML page (a file) to a PNG screenshot of the given size.</summary>
    public static void Screenshot(string htmlPath, string pngPath, int width, int height, TimeSpan? timeout = null)
    {
        var exe = Executable ?? throw new InvalidOperationException(
            "Chromium was not found, so the chart cannot be rendered to PNG. Install it (Debian: apt-get install chromium; " +
            "Windows: Chrome or Edge) or set WORKBENCH_CHROMIUM to the browser executable.");
        var profile = Directory.CreateTempSubdirectory("wb-chromium-");
        try
        {
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                         $"--user-data-dir={profile.FullName}", $"--window-size={width},{height}", "--virtual-time-budget=10000",
                         $"--screenshot={Path.GetFullPath(pngPath)}", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit((int)(timeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds))
            {
                p.Kill(true);
                throw new TimeoutException($"Chromium did not finish rendering {htmlPath} within the timeout.");
            }
            if (!File.Exists(pngPath))
                throw new InvalidOperationException($"Chromium exited with code {p.ExitCode} without writing {pngPath}: {stderr.Result.Trim()}");
        }
        finally
        {
            try { profile.Delete(true); } catch (IOException) { }
        }
    }
}
