import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrialLog, parseTrialRecord, type TrialRecord } from './trial-record.js';
import { TrialStore, type ExplorationIdentity } from './trial-store.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-store-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const identity = (name = 'tiny'): ExplorationIdentity => ({
  space: { name, knobs: { sparsity: [0, 0.9] } },
  model: { location: 'm', sha256: 'ab'.repeat(32), params: 10 },
  seed: 1,
  data: { name: 'mnist', train: 10, test: 10 },
});

function record(key: string, accuracy = 0.9): TrialRecord {
  return {
    key, config: { sparsity: 0.9 }, status: 'done', seconds: 1, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
    metrics: { testAccuracy: accuracy, params: 10, nonzeroParams: 5, macs: 10, snnBytes: 100, ratio: 0.4, energyMicrojoules: 1, latencyMs: 0.1, latencyEngine: 'tfjs-wasm' },
    layers: [{ name: 'fc1', className: 'Dense', params: 10, nonzero: 5, macs: 10, bytes: 90 }],
  };
}

describe('trial records', () => {
  it('the parser rejects bad fields with their name and accepts a valid record', () => {
    const good = record('0123456789abcdef');
    expect(parseTrialRecord(JSON.parse(JSON.stringify(good)))).toEqual(good);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ key: '../x' }, /key must be lowercase hex/],
      [{ status: 'maybe' }, /status must be 'done' or 'failed'/],
      [{ metrics: { ...good.metrics, testAccuracy: 1.5 } }, /metrics\.testAccuracy must be in \[0, 1\]/],
      [{ metrics: { ...good.metrics, snnBytes: -1 } }, /metrics\.snnBytes must be a non-negative number/],
      [{ artifact: '../../etc/passwd' }, /artifact must be a relative path inside the exploration directory/],
      [{ artifact: '/abs.snn' }, /artifact must be a relative path/],
      [{ startedAt: 'yesterday' }, /startedAt must be an ISO date/],
      [{ metrics: undefined }, /a done trial must have metrics/],
      [{ layers: [{ name: 'fc1' }] }, /layers\[0\]\.className must be a string/],
    ];
    for (const [change, message] of cases) expect(() => parseTrialRecord({ ...good, ...change }), message.source).toThrow(message);
  });

  it('a log: torn last line and invalid or repeated lines are skipped, first occurrence kept', () => {
    const a = JSON.stringify(record('aaaaaaaaaaaaaaaa', 0.5));
    const b = JSON.stringify(record('bbbbbbbbbbbbbbbb'));
    const text = `${a}\n{"not":"a record"}\n${JSON.stringify(record('aaaaaaaaaaaaaaaa', 0.7))}\n${b}\n${b.slice(0, 40)}`;
    const log = parseTrialLog(text);
    expect(log.records.map((r) => [r.key, r.metrics!.testAccuracy])).toEqual([['aaaaaaaaaaaaaaaa', 0.5], ['bbbbbbbbbbbbbbbb', 0.9]]);
    expect(log.tornTail).toBe(true);
    expect(log.skipped).toBe(3);
  });
});

describe('trial store', () => {
  it('appends records and artifacts, reopens them, cuts a torn tail, never stores a key twice', async () => {
    const out = path.join(dir, 'run');
    const store = await TrialStore.open(out, identity());
    expect(await store.add(record('1111111111111111'), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(await store.add(record('1111111111111111', 0.1))).toBe(false);
    expect(await store.add(record('2222222222222222'))).toBe(true);
    // A run killed mid-write: half a line, and a temporary artifact never renamed.
    await appendFile(path.join(out, 'trials.jsonl'), JSON.stringify(record('3333333333333333')).slice(0, 50));
    await writeFile(path.join(out, 'artifacts', '3333333333333333.snn.tmp-123-456'), 'x');
    const notes: string[] = [];
    const again = await TrialStore.open(out, identity(), { note: (m) => notes.push(m) });
    expect(again.records().map((r) => r.key)).toEqual(['1111111111111111', '2222222222222222']);
    expect(again.get('1111111111111111')!.artifact).toBe('artifacts/1111111111111111.snn');
    expect(await readFile(path.join(out, 'artifacts/1111111111111111.snn'))).toEqual(Buffer.from([1, 2, 3]));
    expect(notes.join('\n')).toMatch(/ignored a half-written last record/);
    expect(await readdir(path.join(out, 'artifacts'))).toEqual(['1111111111111111.snn']);
    await again.add(record('3333333333333333'));
    const lines = (await readFile(path.join(out, 'trials.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).key)).toEqual(['1111111111111111', '2222222222222222', '3333333333333333']);
  });

  it('another space in the same directory is refused unless forced (which starts afresh)', async () => {
    const out = path.join(dir, 'space-change');
    const store = await TrialStore.open(out, identity());
    await store.add(record('1111111111111111'));
    await expect(TrialStore.open(out, identity('other'))).rejects.toThrow(/`out` .* holds another exploration \(space tiny vs other\).*pass `force`/);
    const forced = await TrialStore.open(out, identity('other'), { force: true });
    expect(forced.records()).toEqual([]);
    expect(JSON.parse(await readFile(path.join(out, 'space.json'), 'utf8')).space.name).toBe('other');
  });

  it('one explore per directory: a live owner\'s lock is refused, a dead owner\'s lock is taken over, close releases it', async () => {
    const out = path.join(dir, 'locked');
    const store = await TrialStore.open(out, identity());
    expect((await readFile(path.join(out, 'explore.lock'), 'utf8')).trim()).toBe(String(process.pid));
    store.close();
    await expect(readFile(path.join(out, 'explore.lock'))).rejects.toThrow();
    await writeFile(path.join(out, 'explore.lock'), `${process.ppid}\n`); // a live process that is not us
    await expect(TrialStore.open(out, identity())).rejects.toThrow(/`out` .*locked is in use by another explore \(pid \d+\)/);
    await writeFile(path.join(out, 'explore.lock'), '4194303\n'); // above Linux's pid_max: nobody
    const notes: string[] = [];
    (await TrialStore.open(out, identity(), { note: (m) => notes.push(m) })).close();
    expect(notes.join('\n')).toMatch(/taking over from a run that ended without releasing it \(pid 4194303\)/);
  });

  it('a non-empty directory that is not an exploration is refused', async () => {
    const out = path.join(dir, 'other-stuff');
    await rm(out, { recursive: true, force: true });
    await TrialStore.open(out, identity());
    await writeFile(path.join(out, 'space.json'), 'garbage');
    await expect(TrialStore.open(out, identity())).rejects.toThrow(/space\.json is not a smallnets exploration file/);
  });

  it('a torn tail with bytes that are not UTF-8 or a cut multi-byte character is cut after the last newline byte, and the next record survives', async () => {
    const out = path.join(dir, 'torn-utf8');
    (await TrialStore.open(out, identity())).close();
    const whole = Buffer.from(`${JSON.stringify({ ...record('1111111111111111'), error: 'é\uFFFD' })}\n`);
    // A line of garbage bytes (each decodes to U+FFFD, three bytes) and a tail torn inside 'é'.
    const torn = Buffer.concat([whole, Buffer.from([0xff, 0xfe, 0x80, 0x0a]), Buffer.from('{"key":"22', 'utf8'), Buffer.from([0xc3])]);
    await writeFile(path.join(out, 'trials.jsonl'), torn);
    const store = await TrialStore.open(out, identity());
    expect(await readFile(path.join(out, 'trials.jsonl'))).toEqual(torn.subarray(0, whole.length + 4));
    await store.add(record('3333333333333333'));
    store.close();
    const again = await TrialStore.open(out, identity());
    again.close();
    expect(again.records().map((r) => r.key)).toEqual(['1111111111111111', '3333333333333333']);
  });

  it('a hostile space.json or lock is refused in one line naming the file, never a TypeError', async () => {
    const out = path.join(dir, 'hostile-space');
    (await TrialStore.open(out, identity())).close();
    const good = JSON.parse(await readFile(path.join(out, 'space.json'), 'utf8')) as Record<string, unknown>;
    const other = { ...good, hash: 'f'.repeat(64) };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...other, space: null }, /space is not an object/],
      [{ ...other, model: 'x' }, /model is not \{ location, sha256, params \}/],
      [{ ...other, hash: 1 }, /hash is not 64 hex digits/],
      [[good], /not an object/],
      [{ ...other, version: 2 }, /version is not 1/],
    ];
    for (const [content, message] of cases) {
      await writeFile(path.join(out, 'space.json'), JSON.stringify(content));
      await expect(TrialStore.open(out, identity()), message.source).rejects.toThrow(message);
    }
    // Fields of the right types but values that print badly: the difference is described, shortened.
    await writeFile(path.join(out, 'space.json'), JSON.stringify({ ...other, space: { name: { toString: 'x' } }, model: { location: 'y'.repeat(500), sha256: 'z', params: 1 } }));
    await expect(TrialStore.open(out, identity())).rejects.toThrow(/holds another exploration \(space \{"toString":"x"\} vs tiny; model y+\.\.\. vs m\)/);
    await writeFile(path.join(out, 'space.json'), JSON.stringify(good));
    await rm(path.join(out, 'explore.lock'), { force: true });
    await mkdir(path.join(out, 'explore.lock'));
    await expect(TrialStore.open(out, identity())).rejects.toThrow(/^cannot lock .*explore\.lock: /);
  });
});
