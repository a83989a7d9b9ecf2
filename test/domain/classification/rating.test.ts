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

  it.each<[string, number]>([
    ['four', 4],
    ['three out of five', 3],
    ["I'd say 4", 4],
    ['사 점이요', 4],
    ['별 하나', 1],
    ['별점 두 개', 2],
    ['별 다섯개 드려요', 5],
    ['★★★★★', 5],
    ['⭐⭐', 2],
  ])('a reply that is only a score in words or stars: %j', (text, rating) => {
    expect(extractRating(text)).toMatchObject({ rating, rest: '' });
  });

  it.each(['빵점', 'would rate 0 if I could', '10점 만점에 0점?'])('a zero is the lowest score: %j', (text) => {
    expect(extractRating(text)).toMatchObject({ rating: 1, source: 'words' });
  });

  it.each(['10/10 thank you', 'one more thing', '오점 없이 깔끔했어요', '이점이 많네요', '별로예요', '세 번째 방문', '2 days after the repair it stopped', '1시간 늦게 오셨어요', '3번째 고장이에요', 'fine', '30분 기다렸어요'])(
    'no score in %j',
    (text) => expect(extractRating(text)).toBeUndefined(),
  );
});
