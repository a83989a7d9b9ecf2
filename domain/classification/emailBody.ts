import { createRequire } from 'node:module';

// email-reply-parser ships CommonJS without type declarations; loading it through
// createRequire keeps its (small) typing local instead of adding an ambient module.
interface ParsedEmail {
  getVisibleText(): string;
}
interface EmailReplyParserCtor {
  new (): { read(text: string): ParsedEmail };
}
const EmailReplyParser = createRequire(import.meta.url)('email-reply-parser') as EmailReplyParserCtor;

/** Lines that open the quoted original; everything from them on is the centre's own text. */
const QUOTE_HEADERS: readonly RegExp[] = [
  // Gmail/Naver Korean: "2026년 11월 3일 (화) 오후 2:10, 서비스센터 <…>님이 작성:" or "2026. 11. 3. … 작성:"
  /^.*(?:20\d{2}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일|20\d{2}\.\s*\d{1,2}\.\s*\d{1,2}\.?).*(?:작성|보냄|씀)\s*:?\s*$/,
  /^.*님이\s*작성\s*:?\s*$/,
  /^\s*-{2,}\s*(?:original message|원본 메시지|원본 메일|forwarded message|전달된 메시지)\s*-{2,}\s*$/i,
  /^\s*(?:from|보낸\s*사람)\s*:\s*.+$/i,
  /^\s*on\s.{4,200}\bwrote\s*:\s*$/i,
  /^\s*_{10,}\s*$/,
];

/** Lines that open a signature or a client's footer; the rest of the message is dropped. */
const SIGNATURE_STARTS: readonly RegExp[] = [
  /^\s*--\s*$/,
  /^\s*sent from (?:my )?\S.*$/i,
  /^\s*get outlook for .+$/i,
  /^.{0,40}에서\s*(?:보냄|보냈습니다|전송됨|발송됨?)\.?\s*$/,
];

/**
 * The customer's own words in an email reply: the quoted survey, reply headers (English and
 * Korean clients) and signatures removed. email-reply-parser handles the common English and
 * European layouts; the Korean date headers and "-----원본 메시지-----" it does not know are
 * cut here first.
 */
export function visibleEmailText(raw: string): string {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n');
  const header = findQuoteHeader(lines);
  // A header on the very first line leaves nothing above it: the answers are between the quoted lines.
  let own = header >= 0 ? lines.slice(0, header).join('\n') : lines.join('\n');
  // Nothing above the quote: the customer answered between the quoted questions ("> - Punctuality"
  // then "3"), so their words are the unquoted lines below the header.
  if (header >= 0 && own.trim() === '') own = lines.slice(header + 1).filter((line) => !/^\s*>/.test(line)).join('\n');
  const parsed = new EmailReplyParser().read(own).getVisibleText();
  const kept: string[] = [];
  for (const line of parsed.split('\n')) {
    if (SIGNATURE_STARTS.some((re) => re.test(line))) break;
    if (!/^\s*>/.test(line)) kept.push(line);
  }
  return kept.join('\n').trim();
}

function findQuoteHeader(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // Clients wrap long "On … <address> wrote:" headers onto a second line.
    const joined = `${line} ${lines[i + 1] ?? ''}`;
    if (QUOTE_HEADERS.some((re) => re.test(line)) || /^\s*on\s.{4,200}\bwrote\s*:\s*$/i.test(joined)) return i;
  }
  return -1;
}
