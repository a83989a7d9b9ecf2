import { parseArgs } from 'node:util';
import { grantOptIn, optInsOf, withdrawMarketing, withdrawOptIn, type OptIn } from '../../db/queries/consent';
import { customerExists } from '../../db/queries/loyalty';
import { subcommand, EXIT_OK, EXIT_REFUSED, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { oneOf, requiredText } from './support/values';

const KINDS = ['marketing', 'marketing_night', 'whatsapp'] as const;

const USAGE = `Usage: npm run consent -- <command> --customer ID [options] [--json]
  show     --customer ID
  grant    --customer ID --kind marketing|marketing_night|whatsapp --source "phone call with agent Kim"
  withdraw --customer ID --kind marketing|marketing_night|whatsapp --reason "asked on the phone"
Opt-ins a customer gave an agent (advertisements, advertisements at night too, WhatsApp). Withdrawing
marketing withdraws marketing_night with it; marketing_night needs marketing. Service messages are
not affected: their opt-outs are per channel (STOP, unsubscribe).`;

/** An agent records the opt-ins a customer gives or withdraws outside our messages (a phone call, a counter). */
export async function run(argv: string[], deps: CliDeps): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { customer: { type: 'string' }, kind: { type: 'string' }, source: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const command = subcommand(positionals, ['show', 'grant', 'withdraw'] as const);
    const customerId = requiredText('customer', values.customer);
    const kind = command === 'show' ? undefined : oneOf('kind', requiredText('kind', values.kind), KINDS);
    const note = command === 'grant' ? requiredText('source', values.source) : command === 'withdraw' ? requiredText('reason', values.reason) : undefined;
    const print = (optIns: Set<OptIn>, text: string) => deps.out(values.json ? JSON.stringify({ customerId, optIns: [...optIns].sort() }, null, 2) : text);

    const pool = deps.pool();
    if (!(await customerExists(pool, customerId))) throw new UsageError(`--customer: no customer with id "${customerId}"`);
    const before = await optInsOf(pool, customerId);
    if (command === 'grant' && kind === 'marketing_night' && !before.has('marketing')) {
      deps.err(`Refused: customer ${customerId} has no marketing consent; advertisements at night need it first (grant --kind marketing).`);
      return EXIT_REFUSED;
    }
    if (command === 'grant') await grantOptIn(pool, customerId, kind!, `agent: ${note}`);
    if (command === 'withdraw') {
      if (kind === 'marketing') await withdrawMarketing(pool, customerId, `agent: ${note}`);
      else await withdrawOptIn(pool, customerId, [kind!], `agent: ${note}`);
    }
    const after = await optInsOf(pool, customerId);
    print(after, `Customer ${customerId} opted in to: ${after.size ? [...after].sort().join(', ') : 'nothing'}`);
    return EXIT_OK;
  });
}

runAsMain(import.meta.url, run);
