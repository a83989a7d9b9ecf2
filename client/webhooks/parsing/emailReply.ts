/** A crude text view of an HTML-only email: enough to find the customer's words and rating. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The `reply+<token>@domain` token among the recipients, if any. */
export function replyTokenIn(recipients: string, domain?: string): string | undefined {
  const pattern = /reply\+([A-Za-z0-9_-]{10,64})@([A-Za-z0-9.-]+)/g;
  for (const m of recipients.matchAll(pattern)) {
    if (!domain || m[2]!.toLowerCase() === domain.toLowerCase()) return m[1];
  }
  return undefined;
}

/** The Message-ID from the raw header block SendGrid passes along. */
export function messageIdIn(headers: string): string | undefined {
  return /^message-id:\s*(<[^>\r\n]+>|\S+)/im.exec(headers)?.[1];
}
