import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema, ConfigError, loadConfig } from '../../config';
import { durationMs } from '../../config/duration';

describe('configuration', () => {
  it('.env.example lists every variable the processes read, and nothing else', () => {
    const listed = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_]+=/.test(l))
      .map((l) => l.split('=')[0]);
    expect(new Set(listed)).toEqual(new Set(Object.keys(configSchema.shape)));
  });

  it('the defaults in .env.example are the defaults of the config module', () => {
    const example = Object.fromEntries(
      readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(loadConfig(example)).toEqual(loadConfig({}));
  });

  it('a bad value stops the process with a message naming the variable', () => {
    expect(() => loadConfig({ WEBHOOK_PORT: '70000' })).toThrow(/WEBHOOK_PORT/);
    expect(() => loadConfig({ REPLY_WINDOW: 'a week' })).toThrow(/REPLY_WINDOW: "a week" is not a duration/);
    expect(() => loadConfig({ CONTACT_HOURS_START: '8am' })).toThrow(/CONTACT_HOURS_START/);
    expect(() => loadConfig({ DEFAULT_TIME_ZONE: 'Mars/Olympus' })).toThrow(/DEFAULT_TIME_ZONE/);
    expect(() => loadConfig({ PII_SEALING_KEY: 'short' })).toThrow(/PII_SEALING_KEY: must be 32 bytes/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC123' })).toThrow(ConfigError);
  });

  it('reads durations the way people write them', () => {
    expect(durationMs('7d')).toBe(7 * 86_400_000);
    expect(durationMs('1h30m')).toBe(90 * 60_000);
    expect(durationMs('500ms')).toBe(500);
    expect(() => durationMs('7 days')).toThrow(/not a duration/);
  });
});
