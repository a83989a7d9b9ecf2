import { parseArgs } from 'node:util';
import { statisticsReport } from '../../db/queries/statistics';
import { formatStatistics } from './statsText';
import { EXIT_OK, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { calendarDate, optionalText } from './support/values';

const USAGE = `Usage: npm run stats -- --from YYYY-MM-DD --to YYYY-MM-DD [--centre ID] [--json]
  --from    first day counted
  --to      day after the last day counted (exclusive)
  --centre  one service centre only
  --json    the report as JSON instead of tables`;

/** The satisfaction report on the command line (KR paragraphs 63-64). */
export async function run(argv: string[], deps: CliDeps): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        centre: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const from = calendarDate('from', values.from);
    const to = calendarDate('to', values.to);
    if (to <= from) throw new UsageError(`--to must be after --from (--to is exclusive), got --from ${from} --to ${to}`);
    const centreId = optionalText('centre', values.centre);

    const pool = deps.pool();
    if (centreId && (await pool.query('SELECT 1 FROM service_centres WHERE id = $1', [centreId])).rowCount === 0) {
      throw new UsageError(`--centre: no service centre with id "${centreId}"`);
    }
    const report = await statisticsReport(pool, { from, to, timeZone: deps.timeZone, centreId });
    deps.out(values.json ? JSON.stringify(report, null, 2) : formatStatistics(report));
    return EXIT_OK;
  });
}

runAsMain(import.meta.url, run);
