// MSBuild task (compiled by RoslynCodeTaskFactory) that lets TorchSharp's native bridge load on Debian 12.
//
// TorchSharp 0.107's libLibTorchSharp.so was linked with GCC 13 and lists a version need GLIBCXX_3.4.32
// (only for std::ios_base_library_init(), a marker symbol that no relocation uses). Debian 12's libstdc++
// stops at GLIBCXX_3.4.30, so the dynamic loader refuses the library. Setting VER_FLG_WEAK (0x2) on that one
// Vernaux entry turns the hard requirement into a weak one; nothing else in the file changes.
// The task is idempotent and does nothing when the system libstdc++ already defines the version.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxVersion : Task
{
    /// <summary>Folders searched (recursively) for libLibTorchSharp.so.</summary>
    [Required] public string[] Directories { get; set; } = Array.Empty<string>();

    /// <summary>The version need to weaken.</summary>
    public string VersionName { get; set; } = "GLIBCXX_3.4.32";

    const ushort VER_FLG_WEAK = 0x2;
    const uint SHT_GNU_verneed = 0x6ffffffe;

    public override bool Execute()
    {
        if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)) return true;
        var libstdcxx = FindSystemLibStdCxx();
        if (libstdcxx != null && FileContains(libstdcxx, VersionName + "\0"))
        {
            Log.LogMessage(MessageImportance.Low, $"{libstdcxx} defines {VersionName}; libLibTorchSharp.so left as it is.");
            return true;
        }
        foreach (var dir in Directories)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (var so in Directory.EnumerateFiles(dir, "libLibTorchSharp.so", SearchOption.AllDirectories))
            {
                try
                {
                    var result = Patch(so, VersionName);
                    Log.LogMessage(result == PatchResult.Patched ? MessageImportance.High : MessageImportance.Low,
                        $"libLibTorchSharp.so: {VersionName} {Describe(result)} in {so}");
                }
                catch (Exception e)
                {
                    Log.LogError($"Could not weaken {VersionName} in {so}: {e.Message}");
                }
            }
        }
        return !Log.HasLoggedErrors;
    }

    static string Describe(PatchResult r) => r switch
    {
        PatchResult.Patched => "marked weak (Debian 12 libstdc++ lacks it)",
        PatchResult.AlreadyWeak => "already weak",
        _ => "not needed by this file",
    };

    public enum PatchResult { Patched, AlreadyWeak, NotPresent }

    static string FindSystemLibStdCxx()
    {
        foreach (var p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                                  "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" })
            if (File.Exists(p)) return p;
        return null;
    }

    static bool FileContains(string path, string text)
    {
        var bytes = File.ReadAllBytes(path);
        var needle = Encoding.ASCII.GetBytes(text);
        for (int i = 0; i + needle.Length <= bytes.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && bytes[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on the Vernaux entry named <paramref name="version"/> in an ELF64 little-endian file.</summary>
    public static PatchResult Patch(string path, string version)
    {
        var b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only ELF64 little-endian is supported");
        ulong shoff = U64(b, 0x28);
        int shentsize = U16(b, 0x3A), shnum = U16(b, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (U32(b, sh + 4) != SHT_GNU_verneed) continue;
            int offset = checked((int)U64(b, sh + 0x18));
            int link = (int)U32(b, sh + 0x28);
            int strtab = checked((int)U64(b, checked((int)shoff + link * shentsize) + 0x18));
            int vn = offset;
            while (true)
            {
                int cnt = U16(b, vn + 2);
                int aux = vn + (int)U32(b, vn + 8);
                for (int k = 0; k < cnt; k++)
                {
                    string name = CString(b, strtab + (int)U32(b, aux + 8));
                    if (name == version)
                    {
                        ushort flags = U16(b, aux + 4);
                        if ((flags & VER_FLG_WEAK) != 0) return PatchResult.AlreadyWeak;
                        flags |= VER_FLG_WEAK;
                        using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
                        f.Position = aux + 4;
                        f.Write(BitConverter.GetBytes(flags), 0, 2);
                        return PatchResult.Patched;
                    }
                    uint next = U32(b, aux + 12);
                    if (next == 0) break;
                    aux += (int)next;
                }
                uint vnext = U32(b, vn + 12);
                if (vnext == 0) break;
                vn += (int)vnext;
            }
        }
        return PatchResult.NotPresent;
    }

    static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
    static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);
    static string CString(byte[] b, int o) { int e = o; while (b[e] != 0) e++; return Encoding.ASCII.GetString(b, o, e - o); }
}
