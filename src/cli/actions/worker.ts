// `aifabric worker --queue URL`: run sweep points from the queue until Ctrl-C or SIGTERM, then finish the points in
// hand and leave (a job cut short by kill -9 is taken over by another worker once its lock expires).
import { availableParallelism } from 'node:os';
import { redactUrl } from '../../sweep/redis-url.ts';
import { intOption, timeOption } from '../options.ts';
import { leaveNow } from './sweep.ts';

export interface WorkerOptions {
  queue: string;
  concurrency?: string;
  lock?: string;
}

export async function worker(opts: WorkerOptions): Promise<void> {
  const concurrency =
    opts.concurrency === undefined
      ? availableParallelism()
      : intOption('--concurrency', opts.concurrency, { int: true, min: 1, max: 1024 });
  const lockMs = Math.max(1, Math.round(timeOption('--lock', opts.lock ?? '30s') / 1e9));
  const { runQueueWorker } = await import('../../sweep/queue-worker.ts');
  process.stderr.write(`worker: taking points from ${redactUrl(opts.queue)}\n`);
  const w = await runQueueWorker({ url: opts.queue, concurrency, lockMs }).catch((e: unknown) => leaveNow(e));
  await new Promise<void>((done) => {
    const stop = () => {
      process.stderr.write('worker: stopping after the points in hand\n');
      void w.close().then(done);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
