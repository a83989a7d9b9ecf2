import { anyOf, group, type LexiconEntry } from './lexiconTypes';

// Patterns run on normalised text: lower case, contractions expanded ("doesn't" → "does not"),
// hyphens between letters turned into spaces, single spaces. Matches are bounded by
// non-alphanumerics, so "late" does not fire inside "later".

const W = String.raw`\S+`;
/** Up to n intervening words. */
const gap = (n: number): string => `(?: ${W}){0,${n}}?`;
/** Like gap, but the skipped words may not be negators, so "noise never came back" stays out. */
const plainGap = (n: number): string => `(?: (?!(?:not|never|no|nothing)(?![a-z]))${W}){0,${n}}?`;

const FAULT_NOUN = anyOf(
  'leak(?:s|ing)?', 'drip(?:s|ping)?', 'noises?', 'sounds?', 'rattl(?:e|es|ing)', 'banging', 'squeak(?:s|ing)?',
  'buzz(?:ing)?', 'humming', 'clicking', 'vibrations?', 'smell', 'error(?: codes?)?', 'fault(?: light| code)?',
  'problems?', 'issues?', 'symptoms?', 'wobble', 'sparking', 'sparks',
);

const MALFUNCTION_VERB = anyOf(
  'work', 'cool', 'heat', 'drain', 'spin', 'start', 'turn on', 'switch on', 'power on', 'come on', 'dry', 'wash',
  'freeze', 'light', 'ignite', 'run', 'charge', 'respond', 'close', 'open', 'shut', 'lock', 'boot', 'hold', 'last',
  'help', 'make ice',
);

const MALFUNCTION_ING = anyOf(
  'cooling', 'heating', 'draining', 'spinning', 'starting', 'working', 'turning on', 'drying', 'washing',
  'freezing', 'lighting', 'igniting', 'running', 'charging', 'responding', 'closing', 'opening', 'making ice',
  'getting cold', 'getting hot', 'functioning',
);

/** Verbs of giving up: "stopped working", "quit cooling", "gave up again". */
const STOPPED = anyOf('stopped', 'quit', 'quits', 'ceased', 'gave up', 'gives up', 'gave out', 'packed (?:up|in)', 'died');

/** A bad state of the appliance that, persisting or returning, is the fault itself ("still wet", "warm again"). */
// Not "hot": an oven or dryer getting hot again is the repair working.
const BAD_STATE = anyOf('dirty', 'wet', 'warm', 'loud', 'noisy', 'damp', 'smelly', 'loose', 'leaky');

/** An ordinal count of occurrences: "third time this year", "for the 2nd time", "twice now". */
const ORDINAL_TIME = anyOf('second', 'third', 'fourth', 'fifth', 'sixth', '2nd', '3rd', '4th', '5th', '6th', 'umpteenth', 'nth');

/** Maintenance verbs whose object is a symptom, asked about rather than reported ("how do I get rid of the smell"). */
const MAINTAIN_AWAY = anyOf('get rid of', 'remove', 'prevent', 'stop', 'avoid', 'reduce', 'clear', 'defrost', 'descale',
  'clean(?: off| out)?', 'deal with');

/** Lookahead: no recurrence marker in the next few words of the clause. */
const NOT_RECURRING = String.raw`(?!(?: [^\s.,!?;]+){0,4}? (?:again|back|anymore|any more|still)(?![a-z]))`;

/** A symptom being reported as present. */
export const EN_FAULT = anyOf(
  // Water, breakage.
  'leak(?:s|ing|ed|y)?', 'drip(?:s|ping|ped)?', 'flood(?:s|ing|ed)?', 'is broken', 'broken', 'broke down', 'it broke',
  'faulty', 'stuck', 'jammed', 'blocked', 'clogged', 'comes out (?:dirty|cold|warm|brown|black|wet)',
  // Noises and movement.
  'noise', 'noisy', 'rattl(?:es|ing)', 'bang(?:s|ing)', 'clunk(?:s|ing)?', 'grind(?:s|ing)', 'squeak(?:s|ing|y)',
  'squeal(?:s|ing)?', 'buzz(?:es|ing)', 'hum(?:s|ming)', 'click(?:s|ing)', 'beep(?:s|ing)', 'vibrat(?:es|ing)',
  'wobbl(?:es|ing|y)', 'shak(?:es|ing)',
  `(?:strange|weird|loud|funny|odd|horrible|terrible|awful|clicking|grinding|banging|knocking|humming|buzzing|high pitched) (?:noise|sound|smell|rattle)s?`,
  `making (?:${W} ){0,3}(?:noise|sound|racket|din)s?`, `makes (?:${W} ){0,3}(?:noise|sound|racket|din)s?`,
  // Codes, lights, heat, power.
  'error(?: codes?)?', '[ef] ?\\d{1,2}(?: error| code)?', 'fault light', 'flash(?:es|ing)', 'blink(?:s|ing)',
  'spark(?:s|ing)', 'smell(?:s|ing)? (?:of|like) \\w+', 'burning', 'smoke (?:coming|came)', 'overheat(?:s|ing|ed)?',
  'trip(?:ping|ped)', 'trips (?:the|out)', 'ic(?:es|ing) up', 'cuts? out', 'cutting out', '(?:is|went) dead',
  `freez(?:es|ing) (?:the|my|all|everything|food)`,
  // Not doing its job.
  `not ${MALFUNCTION_ING}`, `(?:will|does|did|would|can|could|has|have) not (?:even )?${MALFUNCTION_VERB}`,
  `${STOPPED} ${MALFUNCTION_ING}`, 'acting up', 'playing up', 'packed up', 'conked out',
);

export const EN_LEXICON: LexiconEntry[] = [
  ...group('en', 'repeat_failure', { onNegation: 'satisfied' }, {
    'fault-symptom': EN_FAULT,
    'something-wrong': anyOf(`wrong with (?:it|the|my|this)`, '(?:is|are|was|went|goes|going|gone) wrong', 'something wrong'),
    'recurrence': anyOf('recurr(?:ed|ing|ence)', 'reappear(?:ed|s)?', 'relapsed'),
    // Counting occurrences is reporting a recurrence ("third time this year", "happened twice now").
    // Not a bare "the second time", which also counts visits ("the second time I've used you").
    'counted-again': anyOf(`for the ${ORDINAL_TIME} time`, `${ORDINAL_TIME} time (?:this|in|now|since|running)`,
      `(?:twice|three times|four times|\\d+ times) (?:now|already|since|this (?:week|month|year)|in (?:a|one|two|the same) (?:week|month|year))`),
  }),
  ...group('en', 'repeat_failure', { onNegation: 'keep' }, {
    'fault-again': `${anyOf(EN_FAULT, STOPPED, BAD_STATE, 'happen(?:s|ed|ing)?', 'start(?:ed|ing)', 'broke', 'failed', 'died',
      `doing (?:it|this|that|the (?:exact )?same thing)`)}${gap(4)} again`,
    'fault-back': `${anyOf(FAULT_NOUN, 'it', 'that', 'same thing')}${plainGap(2)} (?:is |are |has |have )?(?:back|returned|come back|came back|coming back)`,
    'still-faulty': `(?:still|yet again)${gap(2)} ${anyOf(EN_FAULT, 'the same', 'same', 'happening', 'there',
      `(?:has|have|having|got) (?:the|a|that|this) ${FAULT_NOUN}`, `not (?:right|fixed|sorted|resolved|repaired|solved)`,
      // A bad state that persists after the visit is the fault, not a separate grievance.
      'dirty', 'wet', 'warm', 'hot', 'loud', 'damp', 'smelly', 'loose', 'leaky', 'comes out')}`,
    'keeps-failing': `keeps? (?:on )?${anyOf(EN_FAULT, 'happening', 'breaking', 'stopping', 'failing', 'going off',
      'turning off', 'switching off', 'doing (?:it|this|that)')}`,
    'same-fault': anyOf(`(?:exact )?same ${anyOf(FAULT_NOUN, 'thing', 'fault')}`, 'just like before',
      'same as before', 'no improvement', 'no better', 'no difference', 'not any better'),
    'not-fixed-phrase': anyOf(`supposed to (?:be |have (?:been )?)?(?:fixed|repaired|sorted|working)`,
      'did not (?:hold|last|help)',
      '(?:only |just )?lasted (?:only |just )?(?:a|one|two|three|a few|\\d+) (?:days?|weeks?|hours?|months?)',
      'never (?:been )?(?:fixed|repaired|resolved)'),
    'visit-request': anyOf(
      // Asking for someone to be sent is a visit request whatever follows ("send someone for the dishwasher").
      `send (?:someone|somebody|an? (?:engineer|technician|tech)|the (?:engineer|technician|tech|guy))`,
      `send (?:him|her|them)(?: ${W}){0,2}? (?:back|again|out|round|over)`,
      `get (?:someone|somebody|an? (?:engineer|technician|tech)) (?:out|round|over|to)`,
      'come (?:back|out again|round again|by again)', 'coming back',
      `(?:can|could|would|will) (?:you|someone|somebody|he|they|an? (?:engineer|technician)) (?:also |please )?(?:come|look at|check|fix|repair|service|install|have a look|take a look)`,
      `(?:engineer|technician|someone|somebody|tech) (?:can|could|to) (?:come|look|check)`,
      `(?:need|want|would like|like) (?:you |someone |somebody |an? engineer |a technician |him )?to (?:come|look at|check|fix|repair|service|install|take a look|have a look|inspect|replace|sort out)`,
      `another (?:visit|appointment|engineer|technician|look|repair|call out)`,
      // Passive requests: "we'd like the dishwasher looked at", "need it checked over".
      `(?:like|want|need|needs) (?:the|my|our|this|that|it|them|both)(?: ${W}){0,5}? (?:looked at|checked(?: over| out)?|serviced|repaired|fixed|seen to|inspected)`,
      `add (?:that|it|this|one|them|the ${W}) (?:on )?to (?:a|the|my|our|your|that|this) (?:visit|appointment|booking|job|call out)`, '(?:re ?visit|return visit|follow up visit)',
      `(?:book|schedule|arrange|organi[sz]e) (?:in )?(?:a |an |another |a new |a return )?(?:service|repair|visit|appointment|engineer|technician|maintenance)`,
    ),
  }),
  // "fixed" affirmed is good news; negated ("never fixed", "did not fix") is the fault persisting.
  ...group('en', 'satisfied', { onNegation: 'repeat_failure' }, {
    // "repaired" but not the noun "repair": "the repair lasted a week" says nothing good.
    'fixed': anyOf('fix(?:ed|es)?', 'repaired', 'solv(?:e|ed)', 'resolv(?:e|ed)', 'sort(?:ed)?(?: out)?'),
    'working': anyOf('works?', 'working', 'worked'),
    // A working state come back: "fridge is cold again", "dryer's drying again", "back to normal".
    'working-again': anyOf(`${anyOf('works?', 'working', 'runs?', 'running', 'heats?(?: up)?', 'heating(?: up)?', 'cools?', 'cooling', 'cold',
      'spins?', 'spinning', 'drains?', 'draining', 'dries', 'drying', 'freezes', 'freezing', 'turns on', 'keeps? cold', 'keeping cold',
      'lights? up', 'washing', 'washes')}(?: properly| fine| normally| well)? again`, 'back to normal'),
    'working-well': `${anyOf('works?', 'working', 'running', 'runs')}${gap(2)} ${anyOf('fine', 'well', 'great', 'perfectly',
      'properly', 'again', 'now', 'ok', 'okay', 'normally', 'like new', 'as it should', 'smoothly')}`,
    'fault-gone': `${FAULT_NOUN}${plainGap(2)} (?:has |have |is |are |was )?(?:stopped|gone|disappeared|fixed|sorted|resolved|cleared|went away|vanished)`,
    'not-returned': `${FAULT_NOUN}${plainGap(2)} (?:has |have )?(?:never|not|did not) (?:come back|came back|returned|recurred|reappeared)`,
    'all-good': anyOf('(?:all|everything)(?: is)? (?:working|good|fine|ok|okay|sorted|well)', 'does the job', '(?:as )?good as new',
      'job done'),
  }),
  // Neutral alone ("problem", "called"), meaningful only when negated ("no problems", "without calling").
  ...group('en', null, { onNegation: 'satisfied' }, {
    'trouble': anyOf('problems?', 'issues?', 'troubles?', 'faults?', 'hassle'),
  }),
  ...group('en', null, { onNegation: 'keep' }, {
    'what-was-wrong': '(?:what|which) (?:was|is|went|had gone) wrong',
    'sign-off': anyOf('kind regards', 'best regards', 'warm regards', 'regards', 'best wishes', 'yours sincerely'),
  }),
  ...group('en', null, { onNegation: 'complaint' }, {
    'courtesy-act': anyOf('say hello', 'greet(?:ed)?', 'introduce (?:him|her)self', 'apologi[sz](?:e|ed)',
      'call(?:ed|ing)?(?: ahead| first| before)?', 'r[ai]ng', 'text(?:ed)?', 'show(?:ed)? up', 'turn(?:ed)? up', 'arrive(?:d)?',
      'c[oa]me', 'clean(?:ed)? up', 'answer(?:ed)?', 'respond(?:ed)?', 'reply', 'replied', 'bother(?:ed)?',
      'mention(?:ed)?', 'wipe(?:d)?',
      // House manners around the visit: "did not take his shoes off", "no shoe covers".
      `(?:take|took|taken|taking) (?:off )?(?:his|her|their) (?:shoes|boots)(?: off)?`,
      `(?:wear|wore|worn|wearing|use|used|put on) (?:any )?(?:shoe covers|overshoes|boot covers|covers)`),
  }),
  // Points, receipts, invoices, warranty, "who is this": not questions about using the machine (see classify.ts).
  ...group('en', 'satisfied', { onNegation: 'keep' }, {
    'admin-topic': anyOf('(?:reward )?points', 'receipts?', 'invoices?', 'warranty', 'guarantee', 'survey', 'who is this',
      "who's this", 'what is this number', "what's this number", 'wrong number'),
  }),
  ...group('en', 'usage_question', { onNegation: 'keep' }, {
    'how-do-i': `how (?:do|does|can|should|often|must)\\b(?! you expect)`,
    'how-long': `how (?:long|much|many)${gap(2)} (?:should|do|does|can|must|to|is it)`,
    'how-to': anyOf('how to', 'how i (?:can|should)'),
    // Longer than the symptom inside it, so "how do I get rid of the smell" is not reported as a smell,
    // unless the symptom is said to recur ("how do I stop it leaking again?" reports a fault).
    'how-to-remove': `(?:how (?:do|can|should|would) (?:i|we|you|one)|how to|best way to|is there a way to) ${MAINTAIN_AWAY}${NOT_RECURRING}(?: ${W}){1,3}`,
    'best-setting': `what(?: is| are)? (?:the )?(?:best|right|correct|recommended|ideal|proper|usual)? ?(?:setting|mode|program(?:me)?|cycle|temperature|temp|detergent|way)s?`,
    'what-means': anyOf(`what does${gap(6)} mean`, 'meaning of', `what (?:is|are) (?:the|this|that) ${W}(?: ${W})? (?:for|symbol|icon|light|button)`),
    'which-setting': `which (?:${W} )?(?:setting|mode|program(?:me)?|cycle|button|detergent|filter|temperature|option|tablet|capsule|powder|one)s?`,
    'is-it-ok-to': `is it (?:ok|okay|safe|fine|alright|all right|normal|possible|necessary|advisable|recommended|bad) (?:to|for|if)`,
    'can-i': `(?:can|should|may|must|do) (?:i|we) (?:use|put|wash|clean|leave|run|set|turn|change|replace|open|unplug|add|dry|store|keep|switch|empty|descale|defrost|reset|need to|have to)`,
    'where-find': `where (?:do i|do we|can i|can we|is|are)(?: ${W})? (?:find|the|it|located)`,
    'manual': anyOf('(?:user|owner|owners|instruction|instructions) (?:manual|guide|booklet)', 'manual'),
    'not-sure-how': `(?:not sure|unsure|do not know|did not know|no idea|wondering|wonder|confused about) (?:how|what|which|whether|when)`,
    'is-it-normal': anyOf('is (?:it|this|that) normal', `should (?:the|it|my|this|that) (?:${W} )?(?:be|make|have|sound|feel|look|smell|take|run)`),
    'is-there-a-way': `is there (?:a|any|an) (?:way|option|setting|button|mode|function) to`,
    'difference': anyOf('(?:what is|what are) the difference', 'difference between'),
    'when-should-i': `when (?:should|do|must|can|would) (?:i|we|you)`,
    'sound-setting': `(?:turn|switch|mute|stop|silence|disable|change) (?:off )?(?:the |that |this )?(?:beep(?:s|ing)?|sounds?|noises?|alarm|chime|buzzer|alerts?)(?: off| down)?`,
    'tips': anyOf('any tips', 'tips (?:on|for)', 'advice on (?:how|using|cleaning)', '(?:show|tell|explain to|teach) (?:me|us) how'),
  }),
  ...group('en', 'complaint', { onNegation: 'satisfied' }, {
    'rude': anyOf('rude(?:ly|ness)?', 'impolite', 'unfriendly', 'unhelpful', 'arrogant', 'disrespectful', 'condescending',
      'patroni[sz]ing', 'dismissive', 'abrupt', 'curt', 'impatient', 'aggressive', 'intimidating', 'unpleasant',
      'belittl(?:ed|ing)', 'made me feel (?:stupid|small|uncomfortable|unsafe|bad|like an idiot)', 'short with (?:me|us)',
      'unprofessional', 'careless', 'sloppy', 'lazy', 'attitude', 'sarcastic', 'grumpy'),
    'mess': anyOf('mess', 'messy', 'dirty', 'filthy', 'muddy', 'footprints?', 'dust everywhere'),
    'late': anyOf('late', 'delay(?:ed|s)?', 'slow', 'waited', 'waiting', 'kept (?:me|us) waiting', 'chas(?:e|ed|ing)',
      'took (?:a while|ages|forever|too long|so long|a long time|weeks|days)', '(?:only|finally) (?:arrived|turned up|showed up|came)'),
    'price': anyOf('expensive', 'overpriced', 'over ?charg(?:e|ed|ing)', 'rip(?:ped)? off', 'too much', 'pricey', 'extortionate',
      `charged (?:me |us )?(?:${W} ){0,3}for`, 'charged (?:me |us )?(?:extra|twice|double)', 'hidden (?:fee|charge|cost)s?',
      'shock(?:ed)?',
      `(?:price|cost|bill|invoice|charge|fee|quote)s? (?:was|were|is|are) (?:a bit |very |way |far )?(?:steep|high|too high|excessive|outrageous|crazy|insane|a lot)`),
    'damage': anyOf('scratch(?:ed|es)?', 'dent(?:ed)?', 'damag(?:e|ed|ing)', 'broke (?:my|our|the) (?!\\w+ again)'),
    'bad': anyOf('poor(?:ly)?', 'bad', 'terrible', 'awful', 'horrible', 'horrendous', 'dreadful', 'appalling', 'worst',
      'disgusting', 'useless', 'hopeless', 'pathetic', 'wast(?:e|ed|ing)', 'shocking', 'ridiculous', 'unacceptable', 'a joke'),
    'unhappy': anyOf('disappoint(?:ed|ing|ment)', 'unhappy', 'dissatisf(?:ied|action)', 'unsatisf(?:ied|actory)',
      'annoy(?:ed|ing)', 'frustrat(?:ed|ing)', 'angry', 'furious', 'upset', 'livid', 'fed up', 'complain(?:ed|ing|t|ts)?',
      'refund', 'compensation', 'rushed', 'in a hurry', 'ignor(?:ed|ing)', 'hung up', 'lied', 'dishonest', 'unclear',
      'confus(?:ed|ing)', 'mumbl(?:ed|ing)', 'swore', 'swearing', 'shrugg?(?:ed)?'),
  }),
  ...group('en', 'complaint', { onNegation: 'keep' }, {
    'no-show': anyOf('no show', 'stood (?:me|us) up', 'missed (?:the |my |our )?(?:appointment|slot|visit)',
      `(?:cancel(?:l)?ed|rescheduled|moved)(?: ${W}){0,3}? (?:last minute|without|twice|again|at short notice)`),
    'not-told': anyOf(`(?:fee|charge|cost|price)s? (?:was |were )?(?:never|not) (?:mentioned|explained|quoted|told)`,
      'never mentioned', 'no explanation', `without (?:any )?(?:explanation|warning|notice|explaining|telling|warning|asking)`),
    'could-be-better': anyOf('could (?:have been|be) better', 'not what i (?:expect|expected|paid for)', 'below (?:par|average|expectations)',
      'not (?:great|the best)', 'should have (?:called|told|explained|cleaned|warned)'),
    'on-phone': `on (?:his|her|their) (?:phone|mobile)`,
    // Refusing to come back: "won't use you again", "taking my business elsewhere", "calling someone else next time".
    'not-coming-back': anyOf(
      `(?:will|would|am|i am|are|we are) (?:not|never)(?: be)? (?:use|using|call|calling|hire|hiring|book|booking|recommend|recommending|come|coming)(?: (?:you|you guys|your company|this company|this service|them|back))?(?: again| back)`,
      `never (?:use|using|call|calling|hire|hiring|book|booking) (?:you|you guys|your company|this company|this service|them)(?: again)?`,
      `(?:taking|take) (?:my|our) business elsewhere`, `(?:go|going|look|looking|try|trying) elsewhere`,
      `(?:call|calling|use|using|switch|switching to|go with|going with) (?:someone|somebody|another company|a different company|another firm|a competitor)(?: else)?`,
      `(?:you have|you've|you) lost (?:a|my|our) (?:customer|business)`, `last time i (?:use|call|book)`),
    // Competence; longer than "no idea what" (a usage cue) so the technician's ignorance is not a question.
    'incompetent': anyOf('incompetent', 'inexperienced', 'clueless', 'out of (?:his|her|their) depth',
      `(?:had|has|have|with) no (?:idea|clue)(?: (?:what|how))?`,
      `(?:did|does|do) not (?:seem to |really )?know (?:what|how)(?: ${W})? (?:he|she|they|to)`),
  }),
  ...group('en', 'delighted', { onNegation: 'satisfied' }, {
    'superlative': anyOf('excellent', 'outstanding', 'amazing', 'amazed', 'fantastic', 'superb', 'wonderful', 'brilliant',
      'exceptional', 'phenomenal', 'awesome', 'incredible', 'marvell?ous', 'terrific', 'fabulous', 'splendid', 'impeccable',
      'first (?:class|rate)', 'top (?:notch|class)', 'perfect', 'flawless', 'delighted', 'thrilled', 'over the moon',
      'above and beyond', 'extra mile', 'exceeded (?:my |our )?expectations', 'kudos', 'bravo', 'hats off'),
    'five-stars': anyOf('five stars?', '5 stars?', '10 ?/ ?10', 'ten out of ten', 'a\\+', '100 ?%'),
    'star-person': `(?:is|was|are|were|be|you are) (?:an? )?(?:absolute |real |total |true )?(?:star|legend|gem|hero|lifesaver|life saver|credit to)`,
    'love': anyOf('love (?:it|him|her|them|the)', 'loved'),
  }),
  ...group('en', 'delighted', { onNegation: 'complaint' }, {
    'recommend': anyOf('(?:highly |strongly |definitely )?recommend(?:ed|ing)?', 'impressed', 'impressive', 'the best',
      'best (?:service|technician|engineer|repair|experience|company|customer service)'),
  }),
  ...group('en', 'delighted', { onNegation: 'keep' }, {
    'cannot-be-happier': anyOf('could not be happier', '(?:can|could) not fault', 'nothing to fault', 'faultless', 'can not thank (?:you |him |her |them )?enough', 'could not have asked for more'),
  }),
  ...group('en', 'satisfied', { onNegation: 'complaint', praise: true }, {
    'praise': anyOf('good', 'great', 'nice', 'lovely', 'happy', 'pleased', 'satisfied', 'glad', 'helpful', 'polite', 'friendly',
      'kind', 'courteous', 'professional', 'patient', 'knowledgeable', 'efficient', 'quick(?:ly)?', 'fast', 'prompt',
      'punctual', 'on time', 'clean', 'tidy', 'neat', 'explain(?:ed|s)?(?: everything)?', 'reasonable', 'fair', 'tidied up'),
  }),
  ...group('en', 'satisfied', { onNegation: 'complaint' }, {
    'ok': anyOf('ok', 'okay', 'k', 'fine', 'alright', 'all right', 'decent', 'acceptable', 'adequate', 'average', 'content',
      'not bad', 'not too bad', 'so so', 'happy enough', 'cannot complain', 'can not complain', 'no complaints'),
  }),
  ...group('en', 'satisfied', { onNegation: null }, {
    'thanks': anyOf('thanks?', 'thank you', 'thx', 'ty', 'cheers', 'appreciated?', 'well done', 'good job', 'yes'),
  }),
];

/** Words that flip a cue within a short window before it. */
export const EN_NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'none', 'nothing', 'nobody', 'noone', 'neither', 'nor', 'without', 'hardly', 'barely',
  'scarcely', 'cannot', 'zero', 'lack', 'lacked', 'lacking', 'stopped',
]);

/** Words that end a negation's scope: "not perfect, but fine" must not negate "fine". */
export const EN_SCOPE_BREAKERS: ReadonlySet<string> = new Set([
  'but', 'however', 'although', 'though', 'and', 'except', 'apart', 'whereas', 'while', 'since', 'because',
]);

export const EN_INTENSIFIERS: ReadonlySet<string> = new Set([
  'very', 'so', 'soo', 'really', 'extremely', 'super', 'incredibly', 'truly', 'absolutely', 'totally', 'most',
  'exceptionally', 'remarkably', 'immensely', 'thoroughly', 'utterly', 'highly', 'amazingly', 'genuinely', 'wonderfully',
]);
