import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../client/cli/stats';
import { testPool } from '../../support/db';
import { seedStatisticsScenario } from '../../db/queries/statisticsScenario';
import { captured } from './capture';

const pool = testPool();
let scenario: Awaited<ReturnType<typeof seedStatisticsScenario>>;

beforeAll(async () => {
  scenario = await seedStatisticsScenario(pool);
});
afterAll(() => pool.end());

const range = ['--from', '2026-11-01', '--to', '2027-01-01'];

describe('stats CLI', () => {
  it('prints the report as JSON with --json', async () => {
    const io = captured(pool);
    expect(await run([...range, '--centre', scenario.network.centreId, '--json'], io.deps)).toBe(0);
    const report = io.json();
    expect(report.period).toEqual({ from: '2026-11-01', to: '2027-01-01', timeZone: 'Asia/Seoul' });
    expect(report.summary).toMatchObject({ surveyed: 8, replied: 6, replyRatePct: 75, csatPct: 40 });
    expect(report.ratings.byTechnician.map((t: { label: string }) => t.label)).toEqual(['Technician 0', 'Technician 1']);
    expect(io.stderr()).toBe('');
  });

  it('prints readable tables by default', async () => {
    const io = captured(pool);
    expect(await run([...range, '--centre', scenario.network.centreId], io.deps)).toBe(0);
    const text = io.stdout();
    expect(text).toContain(`Satisfaction statistics 2026-11-01 to 2027-01-01 (exclusive, Asia/Seoul), centre ${scenario.network.centreId}`);
    expect(text).toContain('CSAT (4-5 of rated): 40.0%');
    expect(text).toContain('reply rate: 75.0%');
    expect(text).toMatch(/Reply rate by survey channel\nchannel\s+surveyed\s+answered\s+reply rate\n[- ]+\nvoice\s+3\s+2\s+66\.7%\nsms\s+4\s+2\s+50\.0%\nemail\s+2\s+2\s+100\.0%/);
    expect(text).toMatch(/satisfied\s+2\s+33\.3%/);
    expect(text).toMatch(new RegExp(`Technician 0 \\(${scenario.technicians.t0}\\)\\s+4\\s+3\\s+3\\.33\\s+66\\.7%\\s+3\\.33\\s+4\\.50\\s+2\\.00`));
    expect(text).toMatch(/2026-12\s+3\s+2\s+2\.00\s+0\.0%\s+2\.00\s+-\s+-/);
  });

  it.each([
    [['--from', '2026-13-01', '--to', '2027-01-01'], '--from must be a date written YYYY-MM-DD, got "2026-13-01"'],
    [['--from', '2026-11-01', '--to', 'tomorrow'], '--to must be a date written YYYY-MM-DD, got "tomorrow"'],
    [['--from', '2026-02-30', '--to', '2027-01-01'], '--from must be a date'],
    [['--to', '2027-01-01'], '--from is required'],
    [['--from', '2026-12-01', '--to', '2026-11-01'], '--to must be after --from'],
    [['--from', '2026-11-01', '--to', '2026-12-01', '--centre', ''], '--centre is required'],
    [['--from', '2026-11-01', '--to', '2026-12-01', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with a message naming the flag and exit code 2', async (argv, message) => {
    const io = captured(pool);
    expect(await run(argv, io.deps)).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.stderr()).toContain('Usage: npm run stats');
    expect(io.stdout()).toBe('');
    expect(io.poolUses()).toBe(0);
  });

  it('refuses a centre that does not exist', async () => {
    const io = captured(pool);
    expect(await run([...range, '--centre', 'no-such-centre'], io.deps)).toBe(2);
    expect(io.stderr()).toContain('--centre: no service centre with id "no-such-centre"');
  });
});
