import { describe, expect, it } from 'vitest';
import { advertisementSubject, advertisementText, advertisingVerdict, isAdNight } from '../../../domain/promotions/advertisement';

const seoul = (hhmm: string) => new Date(`2026-12-02T${hhmm}:00+09:00`);

describe('advertisements (정보통신망법 제50조)', () => {
  it('night is 21:00 to 08:00 in the customer\'s own zone', () => {
    expect(isAdNight(seoul('20:59'), 'Asia/Seoul')).toBe(false);
    expect(isAdNight(seoul('21:00'), 'Asia/Seoul')).toBe(true);
    expect(isAdNight(seoul('03:00'), 'Asia/Seoul')).toBe(true);
    expect(isAdNight(seoul('07:59'), 'Asia/Seoul')).toBe(true);
    expect(isAdNight(seoul('08:00'), 'Asia/Seoul')).toBe(false);
    // 12:00 in Seoul is 22:00 the evening before in New York.
    expect(isAdNight(seoul('12:00'), 'America/New_York')).toBe(true);
  });

  it('goes only with marketing consent, and at night only with night consent as well', () => {
    const none = { marketing: false, marketingAtNight: false };
    const day = { marketing: true, marketingAtNight: false };
    const always = { marketing: true, marketingAtNight: true };
    expect(advertisingVerdict(seoul('10:00'), 'Asia/Seoul', none)).toBe('no_marketing_consent');
    expect(advertisingVerdict(seoul('10:00'), 'Asia/Seoul', day)).toBe('allowed');
    expect(advertisingVerdict(seoul('22:00'), 'Asia/Seoul', day)).toBe('night_without_consent');
    expect(advertisingVerdict(seoul('22:00'), 'Asia/Seoul', always)).toBe('allowed');
    // Night consent alone is not marketing consent.
    expect(advertisingVerdict(seoul('22:00'), 'Asia/Seoul', { marketing: false, marketingAtNight: true })).toBe('no_marketing_consent');
  });

  const parts = { sender: '강남 서비스센터', contact: '+8215880102', message: '수리는 만족스러우셨나요?', promotion: '진행 중인 이벤트: 겨울맞이 점검 주간 — 필터 교체 20% 할인', optOutLink: 'https://svc.example/ads/opt-out/t1' };

  it('a Korean advertising SMS starts with (광고), the sender and a contact, and ends with the free opt-out', () => {
    const text = advertisementText({ language: 'ko', ...parts }, 'sms');
    const lines = text.split('\n');
    expect(lines[0]).toBe('(광고) 강남 서비스센터 +8215880102');
    expect(text).toContain(parts.message);
    expect(text).toContain(parts.promotion);
    expect(lines.at(-1)).toBe("무료수신거부 https://svc.example/ads/opt-out/t1 또는 '광고거부' 회신");
  });

  it('an English one starts with (Ad) and ends with its opt-out line; an email\'s subject is marked too', () => {
    const text = advertisementText({ language: 'en', ...parts, sender: 'Gangnam Service Centre' }, 'email');
    expect(text.startsWith('(Ad) Gangnam Service Centre +8215880102\n\n')).toBe(true);
    expect(text.endsWith('To stop receiving ads, free of charge: https://svc.example/ads/opt-out/t1 (messages about your repairs continue).')).toBe(true);
    expect(advertisementSubject('ko', '수리는 어떠셨나요?')).toBe('(광고) 수리는 어떠셨나요?');
    expect(advertisementSubject('en', 'How was your repair?')).toBe('(Ad) How was your repair?');
  });
});
