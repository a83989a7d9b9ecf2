import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createPool } from '../../db/pool';
import { createCeilingActivities } from './activities';

/** The ceiling workflow's worker: its own process, like the product's, with the SDK's defaults. */
async function main() {
  const pool = createPool(process.env.DATABASE_URL!, 10);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection,
    taskQueue: process.env.CEILING_TASK_QUEUE!,
    workflowsPath: fileURLToPath(new URL('./workflow.ts', import.meta.url)),
    activities: createCeilingActivities(pool),
  });
  await worker.run();
  await connection.close();
  await pool.end();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
