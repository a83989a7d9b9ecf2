import type { Logger } from 'pino';
import type { Pool } from '../../../db/pool';
import { restoreConsent, withdrawConsent, withdrawMarketing } from '../../../db/queries/consent';
import type { SmsSender } from '../../../db/queries/customers';
import { render } from '../../../domain/messageTemplates';
import { TWILIO_HANDLED, type SmsKeyword } from '../parsing/smsKeywords';

/**
 * STOP / START / HELP (and 수신거부 …), 광고거부 / STOP ADS: consent follows the keyword. A STOP
 * refuses everything on SMS and withdraws marketing consent too; 광고거부 refuses advertisements
 * only, and service messages (the survey, visit notices) keep coming. The answer text, if any: Twilio
 * answers its own English keywords itself, so only HELP and the words it does not know get ours.
 */
export async function answerSmsKeyword(deps: { pool: Pool; log: Logger }, sender: SmsSender, keyword: { keyword: SmsKeyword; word: string }): Promise<string | undefined> {
  const ours = (text: string) => (TWILIO_HANDLED.has(keyword.word) && keyword.keyword !== 'help' ? undefined : text);
  switch (keyword.keyword) {
    case 'stop':
      await withdrawConsent(deps.pool, sender.customerId, 'sms', `sms keyword ${keyword.word}`);
      await withdrawMarketing(deps.pool, sender.customerId, `sms keyword ${keyword.word}`);
      deps.log.info({ customerId: sender.customerId }, 'sms: customer opted out');
      return ours(render(sender.language, 'smsStopped', {}));
    case 'start':
      await restoreConsent(deps.pool, sender.customerId, 'sms');
      return ours(render(sender.language, 'smsStarted', {}));
    case 'stop-ads':
      await withdrawMarketing(deps.pool, sender.customerId, `sms keyword ${keyword.word}`);
      deps.log.info({ customerId: sender.customerId }, 'sms: customer refused advertisements');
      return render(sender.language, 'marketingStopped', {});
    case 'help':
      return render(sender.language, 'smsHelp', { centre: sender.centre, replyPhone: sender.replyPhone });
  }
}
