using System.Security.Cryptography;
using System.Text;

namespace Workbench.Kernel;

/// <summary>
/// HMAC-SHA256 over header, parent_header, metadata and content (Jupyter messaging, "The Wire Protocol").
/// With an empty key, messages are unsigned (signature "") and not checked, as the protocol specifies.
/// </summary>
public sealed class MessageSigner
{
    readonly byte[] _key;

    /// <summary>A signer with the connection file's key; an empty key disables signing.</summary>
    public MessageSigner(string key) => _key = Encoding.UTF8.GetBytes(key);

    /// <summary>True when there is a key (messages are signed and checked).</summary>
    public bool Enabled => _key.Length > 0;

    /// <summary>Lower-case hex digest of the four JSON frames, in order.</summary>
    public string Sign(ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (!Enabled) return "";
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(header);
        hmac.AppendData(parentHeader);
        hmac.AppendData(metadata);
        hmac.AppendData(content);
        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>Constant-time check of a received signature.</summary>
    public bool Verify(string signature, ReadOnlySpan<byte> header, ReadOnlySpan<byte> parentHeader, ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> content)
    {
        if (!Enabled) return true;
        var expected = Encoding.ASCII.GetBytes(Sign(header, parentHeader, metadata, content));
        var actual = Encoding.ASCII.GetBytes(signature.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
