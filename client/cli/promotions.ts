import { parseArgs } from 'node:util';
import { addPromotion, endPromotion, listPromotions } from '../../db/queries/promotions';
import { subcommand, EXIT_OK, EXIT_REFUSED, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { formatTable } from './support/table';
import { requiredText } from './support/values';

const USAGE = `Usage: npm run promotions -- <command> [options] [--json]
  list [--running]
  add  --id ID --title-ko T --title-en T --body-ko B --body-en B --from ISO --to ISO
       [--centre ID]... [--field CODE]...
  end  --id ID
A promotion is appended to the survey only for customers who consented to advertisements, and
only for the centres and product fields it is limited to (none given: all).`;

/** Running events (KR claim 13) as data: add one with its validity and limits, list them, end one early. */
export async function run(argv: string[], deps: CliDeps, now = () => new Date()): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        id: { type: 'string' }, 'title-ko': { type: 'string' }, 'title-en': { type: 'string' }, 'body-ko': { type: 'string' }, 'body-en': { type: 'string' },
        from: { type: 'string' }, to: { type: 'string' }, centre: { type: 'string', multiple: true }, field: { type: 'string', multiple: true },
        running: { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      },
    });
    const command = subcommand(positionals, ['list', 'add', 'end'] as const);
    if (command === 'end') {
      const id = requiredText('id', values.id, 64);
      if (!(await endPromotion(deps.pool(), id, now()))) throw new UsageError(`--id: no promotion "${id}"`);
      deps.out(`Promotion ${id} ended.`);
      return EXIT_OK;
    }
    if (command === 'add') {
      const promotion = {
        id: requiredText('id', values.id, 64),
        titleKo: requiredText('title-ko', values['title-ko'], 60),
        titleEn: requiredText('title-en', values['title-en'], 60),
        bodyKo: requiredText('body-ko', values['body-ko'], 200),
        bodyEn: requiredText('body-en', values['body-en'], 200),
        startsAt: dateTime('from', values.from),
        endsAt: dateTime('to', values.to),
        centres: [...new Set(values.centre ?? [])],
        fields: [...new Set(values.field ?? [])],
      };
      if (promotion.endsAt <= promotion.startsAt) throw new UsageError('--to must be after --from');
      const result = await addPromotion(deps.pool(), promotion);
      if (result.outcome === 'unknown') throw new UsageError(`--${result.what}: no ${result.what === 'centre' ? 'service centre' : 'product field'} "${result.code}"`);
      if (result.outcome === 'exists') {
        deps.err(`Refused: a promotion with id "${promotion.id}" exists already; nothing changed.`);
        return EXIT_REFUSED;
      }
      deps.out(`Promotion ${promotion.id} added.`);
      return EXIT_OK;
    }
    const promotions = await listPromotions(deps.pool(), values.running ? now() : undefined);
    deps.out(
      values.json
        ? JSON.stringify(promotions, null, 2)
        : formatTable(
            [
              { header: 'id', value: (p) => p.id },
              { header: 'title', value: (p) => p.titleKo },
              { header: 'from', value: (p) => p.startsAt.toISOString() },
              { header: 'to', value: (p) => p.endsAt.toISOString() },
              { header: 'centres', value: (p) => (p.centres.length ? p.centres.join(',') : 'all') },
              { header: 'fields', value: (p) => (p.fields.length ? p.fields.join(',') : 'all') },
            ],
            promotions,
          ),
    );
    return EXIT_OK;
  });
}

function dateTime(flag: string, value: string | undefined): Date {
  const text = requiredText(flag, value, 40);
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(at.getTime())) {
    throw new UsageError(`--${flag} must be an ISO 8601 date-time with a zone, e.g. 2026-12-01T00:00:00+09:00, got "${text}"`);
  }
  return at;
}

runAsMain(import.meta.url, run);
