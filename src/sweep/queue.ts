// Runs a sweep's points through a BullMQ queue on Redis (issue 19): the submitter adds one job per missing point,
// with the run key as its job id (adding a point twice is a no-op), and collects outcomes as workers finish them
// (src/sweep/queue-worker.ts, any number of machines). Completion events give progress at once; a poll of the pending
// jobs catches what an event missed (a Redis restart, a submitter that was itself restarted and finds results
// already finished). Each outcome is handed over once and its job removed after the caller stored it. Left out:
// priorities and cancelling the jobs of a stopped sweep (they stay queued; the next submit collects them).
import { Job, Queue, QueueEvents } from 'bullmq';
import { ScenarioError } from '../errors.ts';
import type { Executor } from './executor.ts';
import type { PointJob, PointOutcome } from './job.ts';
import { AUTH_ERROR, QUEUE_NAME, redactText, redactUrl, retryingConnection } from './redis-url.ts';

/** How often pending jobs are polled besides the events (ms): a bound on how late a missed event is noticed. */
const POLL_MS = 500;

export class QueueExecutor implements Executor {
  private closed = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly url: string,
  ) {}

  /** Connects, waiting for Redis while it is unreachable (it may be restarting); refused credentials are an error
   * at once, since no retry will fix them. */
  static async connect(url: string): Promise<QueueExecutor> {
    const { connection, giveUp } = retryingConnection(url, '--queue');
    const queue = new Queue(QUEUE_NAME, { connection });
    // A short block on the event stream, so close() returns within a second instead of BullMQ's 10 s.
    const events = new QueueEvents(QUEUE_NAME, { connection, blockingTimeout: 1000 });
    // Connection errors are retried by ioredis; they are reported once each, without the password.
    const seen = new Set<string>();
    let refuse: (e: Error) => void = () => undefined;
    const report = (e: Error) => {
      const m = redactText(e.message, url);
      if (AUTH_ERROR.test(m)) giveUp();
      if (AUTH_ERROR.test(m))
        refuse(new ScenarioError([{ path: '--queue', message: `${redactUrl(url)} refused the credentials: ${m}` }]));
      else if (!seen.has(m)) process.stderr.write(`queue: ${m} (retrying)\n`);
      seen.add(m);
    };
    queue.on('error', report);
    events.on('error', report);
    try {
      await new Promise<void>((ready, fail) => {
        refuse = fail;
        Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).then(() => ready(), fail);
      });
    } catch (e) {
      void Promise.allSettled([queue.close(), events.close()]);
      throw e;
    }
    return new QueueExecutor(queue, events, url);
  }

  /** The outcome of a finished job, or null while it is waiting or running. */
  private async outcomeOf(key: string): Promise<PointOutcome | null> {
    const job = await Job.fromId<PointJob, PointOutcome>(this.queue, key);
    if (!job) return null;
    if (job.finishedOn && job.returnvalue) return job.returnvalue;
    // A job BullMQ gave up on (stalled more often than allowed, or a processor that threw).
    if (job.finishedOn && job.failedReason)
      return { key, ok: false, error: redactText(job.failedReason, this.url), wallMs: 0, worker: 'queue' };
    return null;
  }

  async run(jobs: PointJob[], onOutcome: (o: PointOutcome) => void): Promise<void> {
    const pending = new Set(jobs.map((j) => j.key));
    const onEvent = () => this.wake?.();
    this.events.on('completed', onEvent);
    this.events.on('failed', onEvent);
    await this.queue.addBulk(
      jobs.map((j) => ({
        name: 'point',
        data: j,
        opts: { jobId: j.key, removeOnComplete: false, removeOnFail: false },
      })),
    );
    while (pending.size > 0 && !this.closed) {
      for (const key of [...pending]) {
        let o: PointOutcome | null = null;
        try {
          o = await this.outcomeOf(key);
        } catch {
          break; // Redis is away: ioredis reconnects; try again at the next poll.
        }
        if (!o || this.closed || !pending.delete(key)) continue;
        onOutcome(o);
        await Job.fromId(this.queue, key)
          .then((job) => job?.remove())
          .catch(() => undefined);
      }
      if (pending.size > 0 && !this.closed)
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, POLL_MS);
        });
    }
    this.events.off('completed', onEvent);
    this.events.off('failed', onEvent);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
  }
}
