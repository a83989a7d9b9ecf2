/**
 * Sends one call per item at a fixed rate, whether or not earlier calls have answered (an open
 * loop: a slow server does not slow the schedule down, so its latency is not hidden). Returns each
 * call's latency measured from the moment it was due, and how many left on time.
 */
export async function openLoop<T>(ratePerSecond: number, items: T[], call: (item: T) => Promise<void>): Promise<{ latenciesMs: number[]; errors: number; onTime: number }> {
  const intervalMs = 1000 / ratePerSecond;
  const began = performance.now();
  const latenciesMs: number[] = [];
  let errors = 0;
  let onTime = 0;
  const inFlight: Promise<void>[] = [];
  for (const [i, item] of items.entries()) {
    const dueAt = began + i * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // More than one interval behind schedule means the generator itself could not keep up.
    if (performance.now() - dueAt <= intervalMs) onTime++;
    inFlight.push(
      call(item).then(
        () => void latenciesMs.push(performance.now() - dueAt),
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { latenciesMs, errors, onTime };
}
