import { describe, expect, it } from 'vitest';
import { followUpPolicy } from '../../client/policy';
import { loadConfig } from '../../config';

describe('the follow-up policy a new request runs with', () => {
  it('a settle time of zero skips the wait instead of becoming the 1 s floor of the scaled waits', () => {
    expect(followUpPolicy(loadConfig({ SURVEY_SETTLE_TIME: '0s' })).settleTimeMs).toBe(0);
    expect(followUpPolicy(loadConfig({ SURVEY_SETTLE_TIME: '0s', TIME_SCALE: '5000' })).settleTimeMs).toBe(0);
  });

  it('other waits are scaled by TIME_SCALE and kept at least a second', () => {
    const policy = followUpPolicy(loadConfig({ TIME_SCALE: '5000', SURVEY_SETTLE_TIME: '1d', CALL_OUTCOME_TIMEOUT: '1s' }));
    expect(policy.settleTimeMs).toBe(Math.round(86_400_000 / 5000));
    expect(policy.callOutcomeTimeoutMs).toBe(1000);
  });
});
