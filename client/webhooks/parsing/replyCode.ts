/** A reply code typed into a message: six digits standing alone, "#" in front or not ("#482913 5", "5 482913"). */
const CODE_IN_TEXT = /(?<![0-9])#?\s?([0-9]{6})(?![0-9])/;

/** The reply code a message carries, and the message without it (so the code is never read as a score). */
export function replyCodeIn(text: string): { code?: string; rest: string } {
  const found = CODE_IN_TEXT.exec(text);
  if (!found) return { rest: text };
  const rest = (text.slice(0, found.index) + text.slice(found.index + found[0].length)).replace(/\s{2,}/g, ' ').trim();
  return { code: found[1], rest };
}
