import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../../config';
import { createPool, type Pool } from '../../../db/pool';

/** What a CLI needs from outside, so tests run it in-process with their own pool and capture output. */
export interface CliDeps {
  /** Called only once the arguments are valid, so a typo never waits for a database. */
  pool: () => Pool;
  out: (line: string) => void;
  err: (line: string) => void;
  /** The zone dates and months are read in. */
  timeZone: string;
}

/** Bad input: the message names the flag; the process exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

/**
 * Runs a CLI module when it is the entry point (tsx client/cli/x.ts), not when a test imports it.
 * The pool is created lazily from DATABASE_URL and closed afterwards.
 */
export function runAsMain(moduleUrl: string, run: (argv: string[], deps: CliDeps) => Promise<number>) {
  const entry = process.argv[1];
  if (!entry || path.resolve(entry) !== fileURLToPath(moduleUrl)) return;
  let pool: Pool | undefined;
  const main = async () => {
    const config = loadConfig();
    const deps: CliDeps = {
      pool: () => {
        if (!config.DATABASE_URL) {
          throw new ConfigError('DATABASE_URL is not set: start the stack (npm run up) or set DATABASE_URL to the database the stack uses');
        }
        return (pool ??= createPool(config.DATABASE_URL, 2));
      },
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
      timeZone: config.DEFAULT_TIME_ZONE,
    };
    return run(process.argv.slice(2), deps);
  };
  main()
    .then((code) => (process.exitCode = code))
    .catch((err: unknown) => {
      process.stderr.write(`${describeFailure(err)}\n`);
      process.exitCode = err instanceof UsageError ? EXIT_USAGE : EXIT_REFUSED;
    })
    .finally(() => pool?.end());
}

function describeFailure(err: unknown): string {
  const code = (err as { code?: string }).code;
  // The URL may hold a password, so the message never repeats it.
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') return 'Cannot reach the database: is the stack running (npm run up) and DATABASE_URL right?';
  return err instanceof Error ? err.message : String(err);
}

/** Catches parse and validation errors inside run(), so tests see the exit code, not a throw. */
export async function withUsage(deps: Pick<CliDeps, 'err'>, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      deps.err(`${(err as Error).message}\n\n${usage}`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS');
}

/** The one sub-command of a CLI, checked against the ones it has; anything after it is an error. */
export function subcommand<T extends string>(positionals: string[], commands: readonly T[]): T {
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!command || !(commands as readonly string[]).includes(command)) {
    throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
  return command as T;
}
