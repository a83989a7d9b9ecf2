/**
 * The survey's graded items (KR claim 7), the same keys the web form stores. A reply by email or
 * SMS may answer them in words: "친절도 5, 약속시간 3, 수리 2", "Kindness: 5 / Punctuality: 3 /
 * Fixed: no / Overall 4", or one answer under each quoted question of the survey email.
 */
export const GRADED_ITEMS = ['kindness', 'punctuality', 'fixed', 'overall'] as const;
export type GradedItem = (typeof GRADED_ITEMS)[number];
export type GradedAnswers = Partial<Record<GradedItem, number>>;

/** How each item is named in a reply (Korean and English, with the usual variants). */
const LABELS: Record<GradedItem, string> = {
  kindness: String.raw`(?:기사님\s*(?:의\s*)?)?친절\s*(?:도|함|성)?|kindness|courtesy|friendliness|politeness`,
  punctuality: String.raw`약속\s*시간\s*(?:준수)?|시간\s*(?:약속|준수)|시간|약속|punctuality|timeliness|on[\s-]?time`,
  fixed: String.raw`고장\s*(?:해결|수리)|수리\s*(?:결과|상태)?|해결\s*(?:여부)?|fixed|fix|repair|resolved`,
  overall: String.raw`전반적(?:인|으로)?\s*(?:만족\s*도?)?|전체\s*(?:만족\s*도?)?|종합|만족\s*도|overall(?:\s+satisfaction)?|total`,
};

// A digit followed by a unit is a time or a count, not a grade: "약속시간 2시", "on time 3 hours".
const UNIT = String.raw`\s*(?:시(?!간)|분|번|일|주|개월|달|년|회|차|층|명|개|월|hours?|hrs?|mins?|minutes?|days?|weeks?|times?|am|pm)(?![a-z])`;
const SCORE = String.raw`([1-5])(?!\d|[.,]\d|${UNIT}|:\d)\s*(?:점|/\s*5|stars?)?`;
const YES = String.raw`yes|yep|yeah|네|예|응|해결(?:됨|됐어요|되었습니다)?|완벽`;
const NO = String.raw`no|nope|not\s+really|아니요|아니오|아뇨|아니|미해결|안\s*됨|안\s*됐`;
const ANSWER = new RegExp(String.raw`^\s*(?:은|는|이|가)?\s*[:：=\-–—]?\s*(?:${SCORE}|(${YES})(?![a-z가-힣])|(${NO})(?![a-z가-힣]))`, 'iu');

const ITEM_AT = new RegExp(
  GRADED_ITEMS.map((item) => `(?<${item}>${LABELS[item]})`).join('|'),
  'giu',
);

/** Questions of the survey email as quoted back to us, in either language. */
const QUOTED_QUESTION: Record<GradedItem, RegExp> = {
  kindness: /kindness|친절/i,
  punctuality: /punctuality|약속\s*시간/i,
  fixed: /fault fixed|fixed|고장이\s*해결/i,
  overall: /overall|전반적/i,
};

/**
 * The graded items answered in a reply's text; empty when fewer than two are answered, because
 * one number after a word like "시간" is as likely a time as a grade.
 */
export function extractGradedItems(raw: string): GradedAnswers {
  const text = raw.replace(/\r\n?/g, '\n');
  const found = interleavedAnswers(text);
  if (Object.keys(found).length >= 2) return found;
  const inline = inlineAnswers(text.split('\n').filter((line) => !/^\s*>/.test(line)).join('\n'));
  return Object.keys(inline).length >= 2 ? inline : {};
}

function inlineAnswers(text: string): GradedAnswers {
  const answers: GradedAnswers = {};
  for (const m of text.matchAll(ITEM_AT)) {
    const item = GRADED_ITEMS.find((name) => m.groups?.[name] !== undefined);
    if (!item || answers[item] !== undefined) continue;
    const value = answerValue(text.slice(m.index + m[0].length, m.index + m[0].length + 24), item);
    if (value !== undefined) answers[item] = value;
  }
  return answers;
}

/** One answer line under each quoted question ("> - Punctuality" then "3"). */
function interleavedAnswers(text: string): GradedAnswers {
  const answers: GradedAnswers = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/^\s*>/.test(line)) continue;
    const item = GRADED_ITEMS.find((name) => QUOTED_QUESTION[name].test(line));
    if (!item || answers[item] !== undefined) continue;
    const next = lines.slice(i + 1).find((l) => l.trim() !== '' && !/^\s*>\s*$/.test(l));
    if (next === undefined || /^\s*>/.test(next)) continue;
    const value = answerValue(next, item);
    if (value !== undefined) answers[item] = value;
  }
  return answers;
}

/** A grade 1-5, or for "fixed" a yes (5) or no (1), as the web form's scale reads them. */
function answerValue(after: string, item: GradedItem): number | undefined {
  const m = ANSWER.exec(after);
  if (!m) return undefined;
  if (m[1]) return Number(m[1]);
  if (item !== 'fixed') return undefined;
  return m[2] ? 5 : 1;
}
