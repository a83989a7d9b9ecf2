import { parseArgs } from 'node:util';
import { addOperator, listOperators, setOperatorDisabled, setOperatorPassword } from '../../db/queries/operators';
import { hashPassword, passwordProblem } from '../../domain/operatorPassword';
import { subcommand, EXIT_OK, EXIT_REFUSED, runAsMain, UsageError, withUsage, type CliDeps } from './support/cli';
import { formatTable } from './support/table';
import { requiredText } from './support/values';

const USAGE = `Usage: npm run operators -- <command> [options] [--json]
  add      --username NAME --name "DISPLAY NAME"   (the password is read from standard input)
  password --username NAME                       (a new password from standard input; ends their sessions)
  disable  --username NAME                       (they can no longer sign in; their sessions end)
  enable   --username NAME
  list
  A username is 2-63 characters: lower-case letters, digits, '.', '_' or '-'.
  e.g.  printf '%s\\n' "$NEW_PASSWORD" | npm run operators -- add --username kim.minji --name "Kim Minji"`;

const FLAGS_OF = { add: ['username', 'name'], password: ['username'], disable: ['username'], enable: ['username'], list: [] } as const;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

/** The first line of standard input: the password, never a flag (flags end up in shell history and ps). */
export async function readFirstLine(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let data = '';
  for await (const chunk of stream) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

/** Operators of the console: the people who sign in to /console. */
export async function run(argv: string[], deps: CliDeps, readSecret: () => Promise<string> = () => readFirstLine()): Promise<number> {
  return withUsage(deps, USAGE, async () => {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { username: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const command = subcommand(positionals, ['add', 'password', 'disable', 'enable', 'list'] as const);
    for (const flag of ['username', 'name'] as const) {
      if (values[flag] !== undefined && !(FLAGS_OF[command] as readonly string[]).includes(flag)) throw new UsageError(`--${flag} does not apply to ${command}`);
    }
    const print = (json: unknown, text: string) => deps.out(values.json ? JSON.stringify(json, null, 2) : text);

    if (command === 'list') {
      const operators = await listOperators(deps.pool());
      print(
        operators,
        formatTable(
          [
            { header: 'username', value: (o) => o.username },
            { header: 'name', value: (o) => o.displayName },
            { header: 'status', value: (o) => (o.disabled ? 'disabled' : 'active') },
            { header: 'created', value: (o) => o.createdAt },
          ],
          operators,
        ),
      );
      return EXIT_OK;
    }

    const username = requiredText('username', values.username, 63).toLowerCase();
    if (!USERNAME.test(username)) throw new UsageError(`--username must be 2-63 characters: lower-case letters, digits, '.', '_' or '-', got "${username}"`);

    if (command === 'disable' || command === 'enable') {
      if (!(await setOperatorDisabled(deps.pool(), username, command === 'disable'))) throw new UsageError(`--username: no operator named ${username}`);
      print({ username, disabled: command === 'disable' }, `Operator ${username} ${command}d.`);
      return EXIT_OK;
    }

    const displayName = command === 'add' ? requiredText('name', values.name, 200) : undefined;
    const password = await readSecret();
    const problem = passwordProblem(password);
    if (problem) throw new UsageError(`standard input: ${problem}`);
    const passwordHash = await hashPassword(password);

    if (command === 'password') {
      if (!(await setOperatorPassword(deps.pool(), username, passwordHash))) throw new UsageError(`--username: no operator named ${username}`);
      print({ username }, `Password of ${username} changed; their open sessions ended.`);
      return EXIT_OK;
    }
    const added = await addOperator(deps.pool(), { username, displayName: displayName!, passwordHash });
    if (added.outcome === 'exists') {
      deps.err(`Refused: an operator named ${username} already exists (change the password with: npm run operators -- password --username ${username}).`);
      return EXIT_REFUSED;
    }
    print(added.operator, `Operator ${username} (${displayName}) added; they sign in at /console/login.`);
    return EXIT_OK;
  });
}

runAsMain(import.meta.url, run);
