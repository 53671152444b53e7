// `--queue redis://[user:password@]HOST:PORT[/DB]` as BullMQ connection options, and the same URL with its password
// hidden for everything printed (progress, errors, logs): a password never reaches a terminal or a log file.
import { ScenarioError } from '../errors.ts';

export interface RedisConnection {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** BullMQ's workers block on Redis; ioredis must retry for ever instead of failing a command (BullMQ's docs,
   * "Connections"). */
  maxRetriesPerRequest: null;
  /** ioredis's reconnect delay (ms), or null to give up (after refused credentials: no retry will fix them). */
  retryStrategy?: (attempt: number) => number | null;
}

/** Redis's answers to a wrong or missing password, or a user without the rights (Redis's ACL documentation). */
export const AUTH_ERROR = /WRONGPASS|NOAUTH|NOPERM/;

/** Connection options that reconnect for ever (Redis may be restarting), backing off to 2 s, until `giveUp`. */
export function retryingConnection(url: string, flag: string): { connection: RedisConnection; giveUp: () => void } {
  let stop = false;
  const connection = {
    ...parseRedisUrl(url, flag),
    retryStrategy: (n: number) => (stop ? null : Math.min(n * 200, 2000)),
  };
  return {
    connection,
    giveUp: () => {
      stop = true;
    },
  };
}

/** The URL with any password replaced by ***. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@]*@/, '$1***@');
}

/** Also hides the password where a message quotes it. */
export function redactText(text: string, url: string): string {
  const password = /^rediss?:\/\/[^:@/]*:([^@]*)@/.exec(url)?.[1];
  return password ? text.split(password).join('***').split(decodeURIComponent(password)).join('***') : text;
}

export function parseRedisUrl(url: string, flag: string): RedisConnection {
  const bad = (why: string) =>
    new ScenarioError([{ path: flag, message: `${redactUrl(url)} ${why} (write it like redis://127.0.0.1:6379)` }]);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('is not a URL');
  }
  if (u.protocol !== 'redis:') throw bad('is not a redis:// URL');
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw bad('names a database that is not a whole number');
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The BullMQ queue every submitter and worker of this version shares. */
export const QUEUE_NAME = 'aifabric-points';
