import { describe, expect, it } from 'vitest';
import { classifyReply, readReply, type ReplyCategory, type ReplyChannel } from '../../../domain/classification';

const sms = (text: string): ReplyCategory => classifyReply({ channel: 'sms', text }).category;
/** The rules' verdict alone (before the model weighs it with the words), for the rule families. */
const rules = (text: string): ReplyCategory => readReply({ channel: 'sms', text }).ruleCategory ?? 'satisfied';
const withRating = (text: string, rating: number, channel: ReplyChannel = 'web'): ReplyCategory =>
  classifyReply({ channel, text, rating }).category;

describe('classifyReply: negation', () => {
  it.each<[string, ReplyCategory]>([
    ['not bad', 'satisfied'],
    ['not happy with the service', 'complaint'],
    ['No problems since the repair', 'satisfied'],
    ["the technician wasn't late", 'satisfied'],
    ['The noise never came back', 'satisfied'],
    ["he wasn't very friendly", 'complaint'],
    ['would not recommend', 'complaint'],
    ['not fixed', 'repeat_failure'],
    ["it's not leaking anymore", 'satisfied'],
    ['not perfect, but fine', 'satisfied'],
  ])('EN %j → %s (rules)', (text, expected) => expect(rules(text)).toBe(expected));

  it('blanks a negated cue from what the model reads and keeps its meaning as a feature', () => {
    const reading = readReply({ channel: 'sms', text: "it's not leaking anymore" });
    expect(reading.negatedCues.length).toBeGreaterThan(0);
    expect(reading.modelText).not.toMatch(/leaking/);
  });

  it.each<[string, ReplyCategory]>([
    ['안 좋아요', 'complaint'],
    ['문제 없어요', 'satisfied'],
    ['고장 안 났어요', 'satisfied'],
    ['다시 고장났어요', 'repeat_failure'],
    ['다시 고장 나진 않았어요', 'satisfied'],
    ['불친절했어요', 'complaint'],
    ['전혀 불친절하지 않았어요', 'satisfied'],
    ['또 안 돼요', 'repeat_failure'],
    ['나쁘지 않아요', 'satisfied'],
    ['특별히 불편한 점은 없었습니다', 'satisfied'],
    ['안 좋은 점은 없었어요', 'satisfied'],
  ])('KO %j → %s (rules)', (text, expected) => expect(rules(text)).toBe(expected));
});

describe('classifyReply: categories', () => {
  it.each<[string, ReplyCategory]>([
    ['사용법을 모르겠어요. 어떻게 하나요?', 'usage_question'],
    ['How often should I clean the filter?', 'usage_question'],
    ['Please send someone to look at my dryer too', 'repeat_failure'],
    ['건조기도 점검 받고 싶어요', 'repeat_failure'],
    ['Absolutely brilliant, thank you', 'delighted'],
    ['정말 친절하셨어요', 'delighted'],
    ['친절하셨어요', 'satisfied'],
    ['ok', 'satisfied'],
  ])('%j → %s', (text, expected) => expect(sms(text)).toBe(expected));

  it('falls back to satisfied, and says so with no confidence, when there is no evidence at all', () => {
    const result = classifyReply({ channel: 'sms', text: '' });
    expect(result.category).toBe('satisfied');
    expect(result.confidence).toBe(0);
    expect(result.signals).toEqual(['default:no-evidence->satisfied']);
  });

  it('a bare rating needs no model and is certain', () => {
    expect(classifyReply({ channel: 'ivr', rating: 2 })).toMatchObject({ category: 'complaint', confidence: 1 });
    expect(classifyReply({ channel: 'sms', text: '5!' })).toMatchObject({ category: 'delighted', confidence: 1, rating: 5 });
  });

  it('every classification carries a confidence between 0 and 1, highest when words and rules agree', () => {
    const clear = classifyReply({ channel: 'sms', text: '또 고장났어요. 어제부터 다시 물이 새요' });
    expect(clear.category).toBe('repeat_failure');
    expect(clear.confidence).toBeGreaterThan(0.6);
    expect(clear.confidence).toBeLessThanOrEqual(1);
    expect(clear.signals.at(-1)).toMatch(/^model:repeat_failure:/);
  });
});

describe('classifyReply: precedence', () => {
  it('repeat failure beats a top rating', () => expect(withRating('the noise is back', 5)).toBe('repeat_failure'));
  it('complaint text beats a good rating', () => expect(withRating('he was rude', 4)).toBe('complaint'));
  it('a usage question beats a complaint', () =>
    expect(sms('Arrived late. How do I reset the clock?')).toBe('usage_question'));
  it('a repeat failure beats a usage question', () =>
    expect(sms('How do I stop it leaking again?')).toBe('repeat_failure'));
  it('complaint beats praise in the same reply', () =>
    expect(sms('Excellent engineer but the call centre was rude')).toBe('complaint'));
  it('a low rating is a complaint even with mild text', () => expect(withRating("it's working now", 2)).toBe('complaint'));
  it('praise lifts a 4 to delighted', () => expect(withRating('Wonderful technician', 4)).toBe('delighted'));
});

describe('classifyReply: ratings', () => {
  it.each<[number, ReplyCategory]>([
    [1, 'complaint'],
    [2, 'complaint'],
    [3, 'satisfied'],
    [4, 'satisfied'],
    [5, 'delighted'],
  ])('a bare IVR rating %i → %s', (rating, expected) => expect(withRating('', rating, 'ivr')).toBe(expected));

  it('reads the leading digit of an SMS as the rating', () => {
    const result = classifyReply({ channel: 'sms', text: '2 - technician was late' });
    expect(result).toMatchObject({ category: 'complaint', rating: 2 });
    expect(result.signals[0]).toBe('rating:leading-digit:2->complaint');
  });

  it('prefers the given rating to a digit in the text', () => {
    expect(classifyReply({ channel: 'web', text: '5 stars', rating: 3 }).rating).toBe(3);
  });

  it('rejects a rating outside 1-5', () => {
    expect(() => classifyReply({ channel: 'ivr', rating: 7 })).toThrow(RangeError);
  });

  it('keeps customer words out of the signals', () => {
    const { signals } = classifyReply({ channel: 'sms', text: '4 - Mr Kim was rude at 12 Elm Street' });
    expect(signals.join(' ')).not.toMatch(/kim|elm/i);
  });
});

describe('classifyReply: general rule families', () => {
  it.each<[string, ReplyCategory]>([
    // Giving-up verbs and bad states with "again"; "hot again" is an oven working.
    ['the tumble dryer gave up heating again', 'repeat_failure'],
    ['freezer is damp again inside', 'repeat_failure'],
    ['the oven gets hot again now, thanks', 'satisfied'],
    // Counted occurrences, but not a counted visit.
    ['for the 3rd time the pump is noisy', 'repeat_failure'],
    ['it has tripped the fuse twice now', 'repeat_failure'],
    ['this is the second time we have used you and happy again', 'satisfied'],
    // Passive requests for another look.
    ['we need the cooker hood checked over as well', 'repeat_failure'],
    // A symptom as the object of upkeep is a question, unless it recurs.
    ['how can we get rid of the limescale smell', 'usage_question'],
    // Competence and house manners.
    ['he had no idea what he was doing', 'complaint'],
    ['the fitter never took his boots off', 'complaint'],
    ['could not fault the engineer', 'delighted'],
    ['thank you very much', 'satisfied'],
  ])('EN %j → %s (rules)', (text, expected) => expect(rules(text)).toBe(expected));

  it.each<[string, ReplyCategory]>([
    // Adnominal "-는" before 법/방법 asks how to do something.
    ['온수 모드 끄는법 있나요', 'usage_question'],
    ['배수 필터 여는 방법 궁금해요', 'usage_question'],
    // Upkeep of a symptom noun is maintenance; the noun alone is still a fault.
    ['물때 제거는 뭘로 하나요', 'usage_question'],
    ['곰팡이가 다시 생겼어요', 'repeat_failure'],
    // Nominal "-ㅁ" endings from SMS.
    ['탈수할때 소리남', 'repeat_failure'],
    ['부품값 비쌈', 'complaint'],
    // Ordinal counts before a fault word, not before a visit.
    ['네 번째 같은 에러예요', 'repeat_failure'],
    ['두 번째 방문에 잘 고쳐졌어요', 'satisfied'],
    // Honorific 모르시- is the technician not knowing.
    ['기사님이 제품을 잘 모르시더라고요', 'complaint'],
    ['별로.', 'complaint'],
    ['친구한테 추천했어요', 'delighted'],
  ])('KO %j → %s (rules)', (text, expected) => expect(rules(text)).toBe(expected));
});

describe('classifyReply: rules added for real customers’ wording', () => {
  it.each<[string, ReplyCategory]>([
    ['에러 한 번도 안 떴어요', 'satisfied'],
    ['이상한 소리 더는 안 나요', 'satisfied'],
    ['다시는 안 부를게요', 'complaint'],
    ['다음엔 딴 데 부를게요', 'complaint'],
    ['다른 업체 알아볼게요', 'complaint'],
    ["I won't be calling you again", 'complaint'],
    ["I'll be taking my business elsewhere", 'complaint'],
    ['next time I am calling someone else', 'complaint'],
  ])('%j → %s (rules)', (text, expected) => expect(rules(text)).toBe(expected));

  it.each<[string, ReplyCategory]>([
    ['포인트 확인은 어디서 하나요', 'satisfied'],
    ['do I need to keep the receipt for warranty?', 'satisfied'],
    ['where can I buy replacement filters', 'usage_question'],
    ['warranty 기간인데 또 고장났어요', 'repeat_failure'],
  ])('an administrative topic is no usage question: %j → %s', (text, expected) => expect(sms(text)).toBe(expected));

  it.each<[string, ReplyCategory]>([
    ['fridge is cold again', 'satisfied'],
    ['all back to normal now', 'satisfied'],
    ['not cooling again', 'repeat_failure'],
    ['다시 시원해졌어요', 'satisfied'],
    ['아직 멀쩡해요', 'satisfied'],
    ['또 안 시원해요', 'repeat_failure'],
  ])('a working state come back is no recurrence: %j → %s (rules)', (text, expected) => expect(rules(text)).toBe(expected));

  it('reads a fault said to be over as a negated fault, blanked for the model', () => {
    const reading = readReply({ channel: 'sms', text: 'the leak is gone' });
    expect(reading.negatedCues).toContain('fault-gone');
    expect(reading.modelText).not.toMatch(/leak/);
    expect(sms('the leak is gone')).toBe('satisfied');
  });
});

describe('classifyReply: graded items answered in words are the customer’s own verdict', () => {
  it.each<[string, ReplyCategory]>([
    ['친절: 4 / 약속 시간: 2 / 수리: 5', 'complaint'],
    ['Courtesy 4, on time 2', 'complaint'],
    ['친절 5 약속시간 5 수리 2', 'repeat_failure'],
    ['Kindness: 5 / Punctuality: 3 / Fixed: no / Overall 4', 'repeat_failure'],
    ['Kindness: 5 / Punctuality: 4 / Fixed: yes / Overall 4', 'satisfied'],
  ])('%j → %s', (text, expected) => expect(sms(text)).toBe(expected));

  it('reads "전반적으로" as the overall item', () => {
    expect(classifyReply({ channel: 'sms', text: '친절도 2, 약속시간 1, 수리 3, 전반적으로 2' }).items).toEqual({ kindness: 2, punctuality: 1, fixed: 3, overall: 2 });
  });
});
