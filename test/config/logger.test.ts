import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, redactUrl } from '../../config/logger';
import type { Pool } from '../../db/pool';
import { buildTestServer, INBOUND_SECRET, TWILIO_TOKEN } from '../client/webhooks/webhookApp';
import { testPool } from '../support/db';

/** A logger as the processes make it, writing its lines into memory. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('debug', 'test', sink), text: () => lines.join('') };
}

describe('log lines never carry a secret', () => {
  it('takes link tokens, the Inbound Parse secret and query values out of URLs and keeps the route readable', () => {
    expect(redactUrl('/survey/sv_9f8e7d6c5b4a39281706f5e4d3c2b1a0?lang=ko')).toBe('/survey/[redacted]?lang=[redacted]');
    expect(redactUrl('/choose/abc')).toBe('/choose/[redacted]');
    expect(redactUrl('/unsubscribe/u-123/confirm')).toBe('/unsubscribe/[redacted]/confirm');
    expect(redactUrl('/ads/opt-out/ad1')).toBe('/ads/opt-out/[redacted]');
    expect(redactUrl('/webhooks/sendgrid/inbound/s3cret')).toBe('/webhooks/sendgrid/inbound/[redacted]');
    expect(redactUrl('/stats?token=op-token&month=2026-11')).toBe('/stats?token=[redacted]&month=[redacted]');
    expect(redactUrl('https://hooks.example.test/stats/data.json?token=x')).toBe('https://hooks.example.test/stats/data.json?token=[redacted]');
    // Request ids are business keys, not secrets; an unknown long opaque segment is treated as one.
    expect(redactUrl('/technicians/jobs/0b7e2a1c-4d5e-4f60-8a9b-0c1d2e3f4a5b/progress')).toBe('/technicians/jobs/0b7e2a1c-4d5e-4f60-8a9b-0c1d2e3f4a5b/progress');
    expect(redactUrl('/future/tok_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345')).toBe('/future/[redacted]');
  });

  it('redacts fields, headers and message texts, not only request lines', () => {
    const { log, text } = capturedLogger();
    log.info({ url: '/choose/secret-choice-token', headers: { authorization: 'Bearer tech-token', 'x-twilio-signature': 'sig-value' }, token: 'raw-token', email: 'kim@mail.example' }, 'fields');
    log.warn('Route GET:/survey/secret-survey-token not found');
    log.error({ err: new Error('fetch /unsubscribe/secret-unsub-token failed') }, 'error');
    const out = text();
    for (const secret of ['secret-choice-token', 'tech-token', 'sig-value', 'raw-token', 'kim@mail.example', 'secret-survey-token', 'secret-unsub-token']) expect(out).not.toContain(secret);
    expect(out).toContain('/choose/[redacted]');
    expect(out).toContain('Route GET:/survey/[redacted] not found');
  });

  describe('the webhook server', () => {
    let pool: Pool;
    let connection: Connection;
    beforeAll(async () => {
      pool = testPool();
      connection = await Connection.connect({ address: inject('temporalAddress') });
    });
    afterAll(async () => {
      await connection?.close();
      await pool?.end();
    });

    it('logs every kind of request (found, refused, not found, failing) without its tokens, secret or headers', async () => {
      const { log, text } = capturedLogger();
      const app = await buildTestServer(pool, new Client({ connection }), connection, { log, settings: { publicBaseUrl: 'https://hooks.example.test', bodyLimitBytes: 64 * 1024, taskQueue: 'unused', operatorAccessToken: 'operator-secret-token' } });
      const secrets = ['survey-link-token-0001', 'choice-link-token-0002', 'unsub-link-token-0003', INBOUND_SECRET, 'operator-secret-token', 'wrong-operator-token', TWILIO_TOKEN, 'bearer-tech-token'];
      await app.inject({ method: 'GET', url: '/survey/survey-link-token-0001' });
      await app.inject({ method: 'POST', url: '/survey/survey-link-token-0001', payload: { overall: '5' } });
      await app.inject({ method: 'GET', url: '/choose/choice-link-token-0002' });
      await app.inject({ method: 'GET', url: '/unsubscribe/unsub-link-token-0003' });
      await app.inject({ method: 'POST', url: `/webhooks/sendgrid/inbound/${INBOUND_SECRET}`, payload: 'not multipart', headers: { 'content-type': 'text/plain' } });
      await app.inject({ method: 'GET', url: '/stats?token=operator-secret-token' });
      await app.inject({ method: 'GET', url: '/stats/data.json?token=wrong-operator-token' });
      await app.inject({ method: 'GET', url: '/survey/survey-link-token-0001/unknown/path' });
      await app.inject({ method: 'POST', url: '/technicians/jobs/not-a-uuid/progress', headers: { authorization: 'Bearer bearer-tech-token' }, payload: { status: 'arrived' } });
      await app.close();
      const out = text();
      expect(out).toContain('request completed');
      expect(out).toContain('/survey/[redacted]');
      expect(out).toContain('/stats?token=[redacted]');
      for (const secret of secrets) expect(out, `a log line holds ${secret}`).not.toContain(secret);
    });
  });
});
