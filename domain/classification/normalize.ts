/**
 * Canonical form the lexicons are written against. NFC rather than NFKC: NFKC would turn
 * compatibility jamo (ㅎㅎ, ㅠㅠ) into conjoining jamo and break the Korean patterns, so only
 * full-width ASCII (common from Korean IMEs: "５점") is folded by hand.
 */
export function normalizeText(raw: string): string {
  let t = foldFullWidth(raw.normalize('NFC')).toLowerCase();
  t = t.replace(/[‘’‛`´]/g, "'").replace(/[“”„]/g, '"');
  // A line break ends a sentence; without this, negation scope would run across lines.
  t = t.replace(/\r\n?/g, '\n').replace(/([^\s.!?,;:])[ \t]*\n\s*/g, '$1. ').replace(/\s*\n\s*/g, ' ');
  t = t.replace(/\s+[-–—]+\s+/g, ', ');
  t = t.replace(/([a-z])-(?=[a-z])/g, '$1 ');
  t = expandContractions(t);
  // "soooo goood" → "soo good": the lexicon spells each word with at most a double letter.
  t = t.replace(/([a-z])\1{2,}/g, '$1$1');
  return t.replace(/[ \t\u00a0]+/g, ' ').trim();
}

/** Full-width ASCII ("５점", "ｏｋ") to plain ASCII. */
export function foldFullWidth(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

function expandContractions(t: string): string {
  return t
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bcannot\b/g, 'can not')
    .replace(/\bshan't\b/g, 'shall not')
    .replace(/\bain't\b/g, 'is not')
    .replace(/\b([a-z]+)n't\b/g, '$1 not')
    // SMS spellings without the apostrophe.
    .replace(/\b(do|does|did|is|was|are|were|has|have|had|could|would|should|must)nt\b/g, '$1 not')
    .replace(/\bcant\b/g, 'can not')
    .replace(/\b(it|that|there|what|he|she|everything|where|who|how|here|this)'s\b/g, '$1 is')
    .replace(/\bi'm\b/g, 'i am')
    .replace(/'re\b/g, ' are')
    .replace(/'ve\b/g, ' have')
    .replace(/'ll\b/g, ' will')
    .replace(/\b(i|you|he|she|we|they|it)'d\b/g, '$1 would');
}
