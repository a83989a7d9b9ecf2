import { describe, expect, it } from 'vitest';
import { extractRating } from '../../../domain/classification';

describe('extractRating', () => {
  it.each<[string, number, string]>([
    ['5', 5, ''],
    ['4 good thanks', 4, 'good thanks'],
    ['2 - technician was late', 2, 'technician was late'],
    ['3. The fault light is flashing again', 3, 'The fault light is flashing again'],
    ['5점 드립니다', 5, '드립니다'],
    ['４점', 4, ''],
    ['1 not fixed', 1, 'not fixed'],
  ])('leading score in %j', (text, rating, rest) => {
    expect(extractRating(text)).toEqual({ rating, rest, source: 'leading-digit' });
  });

  it.each<[string, number]>([
    ["I'd give it 4/5", 4],
    ['I would rate it 4 out of 5', 4],
    ['별점 3점이요', 3],
    ['5점 만점에 4점', 4],
  ])('inline score in %j', (text, rating) => {
    expect(extractRating(text)).toMatchObject({ rating, source: 'inline-score' });
  });

  it.each(['10/10 thank you', '2 days after the repair it stopped', '1시간 늦게 오셨어요', '3번째 고장이에요', 'fine', '30분 기다렸어요'])(
    'no score in %j',
    (text) => expect(extractRating(text)).toBeUndefined(),
  );
});
