import { group, type LexiconEntry } from './lexiconTypes';

// Emoji and emoticons, common in SMS replies of both languages. Repeated thumbs or hearts read
// as emphasis, a single thumbs-up as a plain "ok".
export const SYMBOL_LEXICON: LexiconEntry[] = [
  ...group('sym', 'delighted', { onNegation: 'keep' }, {
    'emphatic-emoji': String.raw`(?:(?:👍|👏|❤️?|♥️?|💯|🙏)\s?){2,}|😍|🥰|🤩|💯|😻`,
  }),
  ...group('sym', 'satisfied', { onNegation: 'keep' }, {
    'ok-emoji': String.raw`👍|👌|🙂|😊|😀|😄|☺️?|:\)|:-\)|\^\^|ㅎㅎ+`,
  }),
  ...group('sym', 'complaint', { onNegation: 'keep' }, {
    'angry-emoji': String.raw`😡|🤬|😠|👎|😤|:\(|:-\(`,
  }),
];
