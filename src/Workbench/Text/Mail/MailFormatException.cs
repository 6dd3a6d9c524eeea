namespace Workbench.Text.Mail;

/// <summary>An e-mail that cannot be read: not RFC 822, a broken MIME structure or an unknown charset. The message
/// says why; <see cref="MailCorpus"/> counts skipped messages by reason instead of dropping them silently.</summary>
public sealed class MailFormatException(string reason) : Exception(reason)
{
    /// <summary>Short reason, used to group skipped messages (e.g. "unknown charset 'x-mac-roman'").</summary>
    public string Reason => Message;
}
