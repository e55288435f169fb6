/**
 * What `explore --queue` and `smallnets worker` share: the Redis connection (checked up front, so an
 * unreachable server is one line within seconds, not a hang), the queue names, the job payloads,
 * and the exploration setup kept in Redis so workers on other machines need no shared files.
 *
 * Jobs (BullMQ): per exploration round a parent job on `smallnets-explorations` whose children are
 * the trials on `smallnets-trials`. A trial's job id is `EXPLORATION-KEY`, so enqueueing it again
 * (a restarted explore, a repeated round) adds nothing; a trial's result is its job's return value.
 * BullMQ delivers at least once — a worker that dies mid-trial leaves a stalled job that another
 * worker takes over — and trials are deterministic and stored by key, so a repeat never counts twice.
 */
import { Redis } from 'ioredis';
import { RuntimeError, UsageError } from '../errors.js';
import type { BasePayload, RunnerSetup, TrialResult } from './trial-runner.js';
import type { TrialConfig } from './trial-config.js';
import type { TrialOutcome } from './trial.js';

export const TRIALS_QUEUE = 'smallnets-trials';
export const EXPLORATIONS_QUEUE = 'smallnets-explorations';
/** How long the setup (base model, data counts) stays in Redis after its last use. */
const SETUP_TTL_SECONDS = 7 * 24 * 3600;
const CONNECT_TIMEOUT_MS = 5000;

export interface RedisLocation {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  url: string;
}

/** Parse `redis://[user:password@]host:port[/db]`. */
export function parseRedisUrl(url: string): RedisLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`\`queue\` must be a URL like redis://127.0.0.1:6379, got ${JSON.stringify(url)}`, { option: 'queue' });
  }
  if (parsed.protocol !== 'redis:') throw new UsageError(`\`queue\` must be a redis:// URL, got ${JSON.stringify(url)}`, { option: 'queue' });
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new UsageError(`\`queue\` database must be a non-negative integer, got ${JSON.stringify(parsed.pathname.slice(1))}`, { option: 'queue' });
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''), port, db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    url: `redis://${parsed.host}${db ? `/${db}` : ''}`,
  };
}

/** Connection options for BullMQ (which needs `maxRetriesPerRequest: null` for workers). */
export function bullConnection(location: RedisLocation): Record<string, unknown> {
  const { host, port, db, username, password } = location;
  return { host, port, db, ...(username ? { username } : {}), ...(password ? { password } : {}), maxRetriesPerRequest: null };
}

/**
 * Connect and ping within a few seconds, or fail with one line naming the server. Returns a client
 * for the setup keys; warns (through `note`) when Redis may evict keys, which loses jobs.
 */
export async function connectRedis(location: RedisLocation, note: (message: string) => void = () => {}): Promise<Redis> {
  const redis = new Redis({
    ...bullConnection(location), lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false,
  });
  let cause: Error | undefined;
  redis.on('error', (error: Error) => (cause ??= error)); // reported below, once
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    const e = cause ?? (error as Error);
    const why = (e as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'connection refused' : (e.message.split('\n')[0] ?? String(e));
    throw new RuntimeError(`cannot reach Redis at ${location.url}: ${why}`);
  }
  try {
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] && policy[1] !== 'noeviction') note(`Redis at ${location.url} has maxmemory-policy ${policy[1]}; set it to noeviction or jobs may be evicted (docs/scale-out.md)`);
  } catch {
    // CONFIG may be disabled on managed servers; nothing to check then.
  }
  return redis;
}

/** A trial job's data: which exploration (its setup lives in Redis) and which trial. */
export interface TrialJobData {
  exploration: string;
  key: string;
  config: TrialConfig;
}

/** What a worker returns: the result with the .snn as base64 (job return values are JSON). */
export interface TrialJobResult extends Omit<TrialResult, 'outcome'> {
  outcome?: Omit<TrialOutcome, 'snn'> & { snnBase64: string };
}

export function trialJobId(exploration: string, key: string): string {
  return `${exploration}-${key}`;
}

export function encodeResult(result: TrialResult): TrialJobResult {
  const { outcome, ...rest } = result;
  if (!outcome) return rest;
  const { snn, ...measured } = outcome;
  return { ...rest, outcome: { ...measured, snnBase64: Buffer.from(snn).toString('base64') } };
}

export function decodeResult(result: TrialJobResult): TrialResult {
  const { outcome, ...rest } = result;
  if (!outcome) return rest;
  const { snnBase64, ...measured } = outcome;
  return { ...rest, outcome: { ...measured, snn: new Uint8Array(Buffer.from(snnBase64, 'base64')) } };
}

const setupKey = (exploration: string) => `smallnets:setup:${exploration}`;

/** Put an exploration's setup where workers find it (the weights as raw bytes). */
export async function publishSetup(redis: Redis, exploration: string, setup: RunnerSetup): Promise<void> {
  const { base, ...rest } = setup;
  const { weightData, ...model } = base;
  await redis
    .multi()
    .hset(setupKey(exploration), { setup: JSON.stringify({ ...rest, base: model }), weights: Buffer.from(weightData) })
    .expire(setupKey(exploration), SETUP_TTL_SECONDS)
    .exec();
}

/** Read an exploration's setup back (a worker's first job of that exploration). */
export async function fetchSetup(redis: Redis, exploration: string): Promise<RunnerSetup> {
  const [json, weights] = await Promise.all([redis.hget(setupKey(exploration), 'setup'), redis.hgetBuffer(setupKey(exploration), 'weights')]);
  if (json === null || weights === null) throw new RuntimeError(`exploration ${exploration} has no setup in Redis (expired, or enqueued by another version)`);
  const parsed = JSON.parse(json) as Omit<RunnerSetup, 'base'> & { base: Omit<BasePayload, 'weightData'> };
  return { ...parsed, base: { ...parsed.base, weightData: new Uint8Array(weights) } };
}
