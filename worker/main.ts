import { runWorkerProcess } from './run';

runWorkerProcess().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
