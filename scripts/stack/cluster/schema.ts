import { spawn } from 'node:child_process';
import path from 'node:path';
import { CLUSTER } from './settings';

export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * The schema steps of Temporal's auto-setup image, with the schema tool of the same server
 * version: per database `create` (a no-op when it exists), `setup-schema -v 0.0` (creates the
 * version table, leaves a newer version alone) and `update-schema` over the module's versioned
 * folder (applies only the steps the database has not had). Safe on every start; upgrading the
 * server version upgrades the schemas here before the new server starts.
 */
export async function setUpTemporalSchemas(
  tools: { sqlTool: string; schemaDir: string },
  database: ClusterDatabase,
  output?: (chunk: string) => void,
): Promise<void> {
  const steps: [databaseName: string, folder: string][] = [
    [CLUSTER.databases.persistence, 'temporal'],
    [CLUSTER.databases.visibility, 'visibility'],
  ];
  for (const [databaseName, folder] of steps) {
    const connection = [
      '--plugin', CLUSTER.sqlPlugin,
      '--endpoint', database.host,
      '--port', String(database.port),
      '--user', database.user,
      '--database', databaseName,
    ];
    const run = (...args: string[]) => runSqlTool(tools.sqlTool, [...connection, ...args], database.password, output);
    await run('create-database');
    await run('setup-schema', '-v', '0.0');
    await run('update-schema', '-d', path.join(tools.schemaDir, folder, 'versioned'));
  }
}

function runSqlTool(tool: string, args: string[], password: string, output?: (chunk: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // The password goes in through the environment, never on a command line others can read.
    const child = spawn(tool, args, { env: { ...process.env, SQL_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const collect = (d: Buffer) => {
      log += String(d);
      output?.(String(d));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`temporal-sql-tool ${args.filter((a) => a !== password).join(' ')} failed (code ${code}):\n${log.slice(-2000)}`)),
    );
  });
}
