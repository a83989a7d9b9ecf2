import { parseArgs } from 'node:util';
import { cancelSlot, listSlots, registerSlots, ScheduleError } from '../../db/queries/technicianSlots';
import { isTimeZone } from '../../domain/slots';
import { subcommand, EXIT_OK, EXIT_REFUSED, EXIT_USAGE, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { calendarDate, optionalText, positiveInteger, requiredText } from './support/values';

const USAGE = `Usage: npm run schedules -- <command> [flags]
  register --technician ID --date YYYY-MM-DD --slot HH:MM-HH:MM [--slot ...] [--tz ZONE]
           registers working slots for one day, all or none (US claim 42)
  list     --technician ID [--date YYYY-MM-DD] [--tz ZONE] [--all]
           the technician's slots on that day, or from now on; --all shows cancelled ones too
  cancel   --slot-id N [--technician ID] [--release-booking]
           cancels a slot; a booked slot is refused unless --release-booking (the booking is
           released and the centre's supervisor is alerted to re-arrange the visit)
  --tz defaults to the time zone of the technician's service centre`;

/** Technicians' working slots from the command line; the same rules as POST /technicians/slots. */
export async function run(argv: string[], deps: CliDeps & { clock?: () => Date }): Promise<number> {
  const now = () => (deps.clock ?? (() => new Date()))();
  return withUsage(deps, USAGE, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        technician: { type: 'string' },
        date: { type: 'string' },
        slot: { type: 'string', multiple: true },
        tz: { type: 'string' },
        all: { type: 'boolean', default: false },
        'slot-id': { type: 'string' },
        'release-booking': { type: 'boolean', default: false },
      },
    });
    const command = subcommand(positionals, ['register', 'list', 'cancel'] as const);
    const timeZone = optionalText('tz', values.tz);
    if (timeZone !== undefined && !isTimeZone(timeZone)) throw new UsageError(`--tz must be an IANA time zone such as Asia/Seoul, got "${timeZone}"`);

    try {
      switch (command) {
        case 'register': {
          const technicianId = requiredText('technician', values.technician);
          const date = calendarDate('date', values.date);
          if (!values.slot?.length) throw new UsageError('--slot is required (HH:MM-HH:MM, repeat it for more slots)');
          const result = await registerSlots(deps.pool(), { technicianId, date, slots: values.slot, timeZone, now: now() });
          for (const s of result.slots) deps.out(`registered slot ${s.id}: ${date} ${s.label} (${result.timeZone})`);
          return EXIT_OK;
        }
        case 'list': {
          const technicianId = requiredText('technician', values.technician);
          const date = values.date === undefined ? undefined : calendarDate('date', values.date);
          const result = await listSlots(deps.pool(), { technicianId, date, timeZone, now: now(), includeCancelled: values.all });
          if (result.slots.length === 0) deps.out(`no slots for ${technicianId}${date ? ` on ${date}` : ' from now on'}`);
          for (const s of result.slots) {
            const state = s.cancelled ? 'cancelled' : s.bookedBy ? `booked by request ${s.bookedBy}` : 'free';
            deps.out(`${s.id}\t${date ? `${date} ` : ''}${s.label}\t${state}`);
          }
          return EXIT_OK;
        }
        case 'cancel': {
          const slotId = positiveInteger('slot-id', values['slot-id']);
          const technicianId = optionalText('technician', values.technician);
          const result = await cancelSlot(deps.pool(), { slotId, technicianId, releaseBooking: values['release-booking'], now: now() });
          deps.out(
            result.releasedRequestId
              ? `cancelled slot ${slotId}; released the booking of request ${result.releasedRequestId} and alerted the supervisor`
              : `cancelled slot ${slotId}`,
          );
          return EXIT_OK;
        }
      }
    } catch (err) {
      if (!(err instanceof ScheduleError)) throw err;
      deps.err(err.message);
      return err.code === 'bad_input' ? EXIT_USAGE : EXIT_REFUSED;
    }
  });
}

runAsMain(import.meta.url, run);
