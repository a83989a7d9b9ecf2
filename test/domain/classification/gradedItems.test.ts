import { describe, expect, it } from 'vitest';
import { SURVEY_ITEMS } from '../../../client/webhooks/pages/surveyPage';
import { emailAnswerOf } from '../../../client/webhooks/parsing/replyRating';
import { classifyReply, extractGradedItems, GRADED_ITEMS, visibleEmailText } from '../../../domain/classification';

const interleaved = [
  'On Tue, Nov 3, 2026 at 2:10 PM Service Centre <survey@svc.example.com> wrote:',
  '> Please rate each item from 1 (poor) to 5 (excellent):',
  "> - The technician's kindness",
  '4',
  '> - Punctuality',
  '5',
  '> - Is the fault fixed (or did it come back)?',
  'no, it came back',
  '> - Overall satisfaction',
  '3',
  '> Any requests for us?',
].join('\n');

describe('graded items answered in words', () => {
  it('uses the keys the web form stores', () => expect([...GRADED_ITEMS]).toEqual([...SURVEY_ITEMS]));

  it.each<[string, Record<string, number>]>([
    ['친절도 5, 약속시간 3, 수리 2', { kindness: 5, punctuality: 3, fixed: 2 }],
    ['Kindness: 5 / Punctuality: 3 / Fixed: no / Overall 4', { kindness: 5, punctuality: 3, fixed: 1, overall: 4 }],
    ['친절:4 시간:4 수리:5 종합:4', { kindness: 4, punctuality: 4, fixed: 5, overall: 4 }],
    ['친절5시간5수리5 최고', { kindness: 5, punctuality: 5, fixed: 5 }],
    ['친절도는 4점, 약속 시간은 5점, 수리는 4점 드릴게요', { kindness: 4, punctuality: 5, fixed: 4 }],
    ['Courtesy 4, on time 2 - he was very late', { kindness: 4, punctuality: 2 }],
    ['친절도 2\n약속시간 준수 1\n고장 해결 4\n전체 2', { kindness: 2, punctuality: 1, fixed: 4, overall: 2 }],
    ['Friendliness 5, Timeliness 5, Fixed - yes', { kindness: 5, punctuality: 5, fixed: 5 }],
  ])('%j', (text, expected) => expect(extractGradedItems(text)).toEqual(expected));

  it.each([
    '약속시간 2시라더니 5시 넘어서 오셨어요',
    '3시간 기다렸어요 수리 2번째',
    'on time 3 hours late, repair ok',
    '친절하셨어요 5점',
    'fixed 2 days ago, kindness itself',
  ])('reads no items in %j (times and counts are not grades)', (text) => expect(extractGradedItems(text)).toEqual({}));

  it('reads answers written between the quoted questions of the survey email', () => {
    expect(extractGradedItems(interleaved)).toEqual({ kindness: 4, punctuality: 5, fixed: 1, overall: 3 });
    expect(visibleEmailText(interleaved)).toBe('4\n5\nno, it came back\n3');
  });

  it('the email webhook keeps the items and takes "overall" as the rating, not the first number', () => {
    expect(emailAnswerOf(visibleEmailText(interleaved), interleaved)).toEqual({ rating: 3, items: { kindness: 4, punctuality: 5, fixed: 1, overall: 3 } });
    expect(emailAnswerOf('4 good thanks', '4 good thanks\n\n> How was it?')).toEqual({ rating: 4 });
  });

  it('a low "fixed" answer votes for a repeat failure, and the overall grade is the rating', () => {
    const result = classifyReply({ channel: 'sms', text: 'kindness 5, punctuality 4, fixed: no, overall 3' });
    expect(result.items).toEqual({ kindness: 5, punctuality: 4, fixed: 1, overall: 3 });
    expect(result.rating).toBe(3);
    expect(result.signals).toContain('items:fixed-low->repeat_failure');
  });
});
