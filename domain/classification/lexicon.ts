import { EN_INTENSIFIERS, EN_LEXICON, EN_NEGATORS, EN_SCOPE_BREAKERS } from './lexicon.en';
import { KO_INTENSIFIERS, KO_LEXICON, KO_NEGATION_FILLERS } from './lexicon.ko';
import { SYMBOL_LEXICON } from './lexicon.symbols';
import type { LexiconEntry } from './lexiconTypes';

export type { Lang, LexiconEntry } from './lexiconTypes';
export { EN_INTENSIFIERS, EN_NEGATORS, EN_SCOPE_BREAKERS, KO_INTENSIFIERS, KO_NEGATION_FILLERS };

/** Every cue, both languages: a reply may mix them ("ok 감사합니다"), so all are always tried. */
export const LEXICON: readonly LexiconEntry[] = [...EN_LEXICON, ...KO_LEXICON, ...SYMBOL_LEXICON];
