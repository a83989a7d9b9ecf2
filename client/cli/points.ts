import { parseArgs } from 'node:util';
import { customerExists, pointsBalance, pointsHistory, redeemPoints } from '../../db/queries/loyalty';
import { subcommand, EXIT_OK, EXIT_REFUSED, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { formatTable } from './support/table';
import { positiveInteger, requiredText } from './support/values';

const USAGE = `Usage: npm run points -- <command> [options] [--json]
  balance --customer ID
  history --customer ID
  redeem  --customer ID --points N --reference ORDER-123
A redemption with a reference already used changes nothing; run it again safely after an error.`;

/** Loyalty points earned by answering surveys (KR claim 8): look them up and spend them. */
export async function run(argv: string[], deps: CliDeps): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        customer: { type: 'string' },
        points: { type: 'string' },
        reference: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const command = subcommand(positionals, ['balance', 'history', 'redeem'] as const);
    const customerId = requiredText('customer', values.customer);
    const redemption = command === 'redeem' ? { points: positiveInteger('points', values.points), reference: requiredText('reference', values.reference) } : undefined;
    if (!redemption && (values.points !== undefined || values.reference !== undefined)) {
      throw new UsageError(`--points and --reference belong to redeem, not ${command}`);
    }
    const print = (json: unknown, text: string) => deps.out(values.json ? JSON.stringify(json, null, 2) : text);

    const pool = deps.pool();
    if (redemption) {
      const result = await redeemPoints(pool, { customerId, ...redemption });
      switch (result.outcome) {
        case 'unknown_customer':
          throw new UsageError(`--customer: no customer with id "${customerId}"`);
        case 'reference_conflict':
          deps.err(`Refused: reference "${redemption.reference}" was already used for a different redemption. Use a new --reference.`);
          return EXIT_REFUSED;
        case 'insufficient_balance':
          deps.err(`Refused: customer ${customerId} has ${result.balance} points, fewer than the ${result.requested} asked for. Nothing was redeemed.`);
          return EXIT_REFUSED;
        case 'already_redeemed':
          print(result, `Already redeemed: ${-result.entry.points} points under reference ${result.entry.reference}; nothing changed. Balance: ${result.balance} points.`);
          return EXIT_OK;
        case 'redeemed':
          print(result, `Redeemed ${-result.entry.points} points under reference ${result.entry.reference}. Balance: ${result.balance} points.`);
          return EXIT_OK;
      }
    }

    if (!(await customerExists(pool, customerId))) throw new UsageError(`--customer: no customer with id "${customerId}"`);
    if (command === 'balance') {
      const balance = await pointsBalance(pool, customerId);
      print({ customerId, balance }, `Customer ${customerId}: ${balance} points`);
      return EXIT_OK;
    }
    const history = await pointsHistory(pool, customerId);
    const balance = history.reduce((sum, e) => sum + e.points, 0);
    print(
      { customerId, balance, history },
      `${formatTable(
        [
          { header: 'when', value: (e) => e.createdAt },
          { header: 'kind', value: (e) => (e.kind === 'survey_reply_grant' ? 'survey answered' : 'redemption') },
          { header: 'points', value: (e) => (e.points > 0 ? `+${e.points}` : e.points), align: 'right' },
          { header: 'reference', value: (e) => e.reference },
        ],
        history,
      )}\nBalance: ${balance} points`,
    );
    return EXIT_OK;
  });
}

runAsMain(import.meta.url, run);
