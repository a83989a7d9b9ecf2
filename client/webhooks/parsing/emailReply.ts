import { decodeHTML } from 'entities';

/** Elements whose content is never the customer's words: code, styling, the quoted original. */
const SKIPPED = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'blockquote']);
/** Elements that end a line, so quote headers and signatures stay on lines of their own. */
const LINE_ENDS = new Set(['br', 'p', 'div', 'li', 'tr', 'table', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'pre', 'section', 'article', 'header', 'footer']);
/** Elements whose content is raw text: nothing inside them is markup. */
const RAW_TEXT_END = new Map(['script', 'style', 'title', 'textarea'].map((name) => [name, new RegExp(`</${name}`, 'gi')]));

const TAG_NAME = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/y;

/**
 * The text of an HTML-only email: enough to find the customer's words and rating.
 *
 * A single forward scan with no element stack and no backtracking: every search starts where the
 * last one ended and, when its terminator is missing, the rest of the body is taken as it is and
 * the scan stops. So the time grows linearly with the body whatever its markup (unclosed tags,
 * deep nesting, a megabyte of "<"). Nested skipped elements (a blockquote in a blockquote) are
 * counted, not matched, which is all the customer's words need. Entities are decoded by
 * `entities`, the decoder of the common HTML parsers.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skipped = 0;
  let at = 0;
  const text = (chunk: string) => {
    // In HTML, source line breaks and runs of spaces are one space.
    if (skipped === 0 && chunk) out.push(decodeHTML(chunk.replace(/[ \t\r\n]+/g, ' ')));
  };
  while (at < html.length) {
    const open = html.indexOf('<', at);
    if (open === -1) {
      text(html.slice(at));
      break;
    }
    text(html.slice(at, open));
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      if (close === -1) break; // an unterminated comment hides the rest, as in a browser
      at = close + 3;
      continue;
    }
    TAG_NAME.lastIndex = open;
    const tag = TAG_NAME.exec(html);
    const end = html.indexOf('>', open + 1);
    if (end === -1) {
      if (!tag) text(html.slice(open)); // a stray "<" and text after it
      break;
    }
    at = end + 1;
    if (!tag) {
      if (html[open + 1] !== '!' && html[open + 1] !== '?') text(html.slice(open, at));
      continue;
    }
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    const selfClosed = html[end - 1] === '/';
    if (SKIPPED.has(name) && !selfClosed) skipped = closing ? Math.max(0, skipped - 1) : skipped + 1;
    else if (skipped === 0 && LINE_ENDS.has(name) && (closing || name === 'br' || name === 'hr')) out.push('\n');
    const rawTextEnd = RAW_TEXT_END.get(name);
    if (!closing && !selfClosed && rawTextEnd) {
      rawTextEnd.lastIndex = at;
      const rawEnd = rawTextEnd.exec(html)?.index;
      if (rawEnd === undefined) break;
      if (!SKIPPED.has(name)) text(html.slice(at, rawEnd));
      at = rawEnd;
    }
  }
  return out
    .join('')
    .split('\n')
    .map((line) => line.replace(/\u00a0/g, ' ').replace(/ {2,}/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
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
