/**
 * Fuzz target `trial-log`: what `smallnets explore` reads back from an exploration directory — each
 * line of `trials.jsonl` (explore/trial-record.ts parseTrialLine / parseTrialLog), `space.json`
 * (explore/trial-store.ts parseSpaceFile), and the records as the results code uses them (fronts,
 * best trial, trials.csv). About one case in eighty also go through the store on disk: the pair is
 * written under a fresh directory (in /dev/shm when there is one) and opened with `TrialStore.open`,
 * which repairs a torn tail; the target then checks the repair — the file is cut exactly after its
 * last newline, the records are the ones the parser kept — and that a record appended after the
 * repair is read back.
 *
 * An input is [u8 flags][u32 space.json length][space.json][trials.jsonl]; flags bit 0: open on disk,
 * bit 1: with `force`. Seeds are the log and space file of a real run (test/fuzz-seeds/trial-log/),
 * plus a failed trial and a record with a recipe. Mutations know lines and records: JSON edits of
 * one record (numbers made huge, negative, fractional; strings swapped; keys deleted, renamed or
 * set to `__proto__`; values moved), fields swapped between records, numbers written as NaN,
 * Infinity or 1e999, lines torn (also inside a UTF-8 sequence), dropped, repeated, reordered,
 * many lines, one very long line, deep nesting, CRLF, BOM, NUL and invalid UTF-8, and edits of
 * space.json.
 *
 * A case is refused when the space file is refused or some line is not a record (the line parser's
 * own reason is the refusal, though the log reader skips such lines and goes on); any other
 * exception, or an invariant broken, is a crash.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { RuntimeError, UsageError } from '../../errors.js';
import { summarizeTrials, trialsCsv } from '../../explore/results.js';
import { parseTrialLog, parseTrialRecord, type TrialRecord } from '../../explore/trial-record.js';
import { LOCK_FILE, parseSpaceFile, SPACE_FILE, TRIALS_FILE, TrialStore, type ExplorationIdentity } from '../../explore/trial-store.js';
import { mutateJsonValue, type JsonValue } from '../mutate-json.js';
import { pick, randomInt } from '../mutate-bytes.js';
import type { FuzzTarget, Mutation, Random } from '../target.js';

const SEED_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'test', 'fuzz-seeds', 'trial-log');
const encoder = new TextEncoder();
// Keeps a byte-order mark, as the store's Buffer.toString does (the reader itself ignores one).
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

interface Pair {
  flags: number;
  space: Uint8Array;
  trials: Uint8Array;
}

export function packPair(p: Pair): Uint8Array {
  const out = new Uint8Array(5 + p.space.length + p.trials.length);
  out[0] = p.flags;
  new DataView(out.buffer).setUint32(1, p.space.length, true);
  out.set(p.space, 5);
  out.set(p.trials, 5 + p.space.length);
  return out;
}

/** The pair an input describes (every input is one: lengths are clamped to what is there). */
export function unpackPair(b: Uint8Array): Pair {
  const declared = b.length >= 5 ? new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(1, true) : 0;
  const end = Math.min(b.length, 5 + declared);
  return { flags: b[0] ?? 0, space: b.subarray(Math.min(5, b.length), end), trials: b.subarray(end) };
}

let seedIdentity: ExplorationIdentity | undefined;

/** The identity the seed space.json was written for (so the disk cases resume, not refuse). */
function identity(): ExplorationIdentity {
  if (!seedIdentity) {
    const file = JSON.parse(readFileSync(path.join(SEED_DIR, SPACE_FILE), 'utf8')) as ExplorationIdentity;
    seedIdentity = { space: file.space, model: file.model, seed: file.seed, data: file.data };
  }
  return seedIdentity;
}

function seeds(): Uint8Array[] {
  const space = new Uint8Array(readFileSync(path.join(SEED_DIR, SPACE_FILE)));
  const log = readFileSync(path.join(SEED_DIR, TRIALS_FILE), 'utf8');
  const lines = log.split('\n').filter((l) => l !== '');
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  const failed: Record<string, unknown> = { ...first, key: 'f00dfeedf00dfeed', status: 'failed', error: 'trial 3: `clusters` must name layers of the model, got "conv9:4"' };
  delete failed['metrics'];
  delete failed['layers'];
  delete failed['artifact'];
  const recipe = { ...first, key: 'abcdef0123456789', recipe: 'smallnets compress --model out/lenet300 --prune 0.9 --seed 1 --out trial-abcdef0123456789.snn' };
  const pair = (text: string, flags = 0): Uint8Array => packPair({ flags, space, trials: encoder.encode(text) });
  return [
    pair(log),
    pair(`${lines.slice(0, 3).join('\n')}\n${JSON.stringify(failed)}\n${JSON.stringify(recipe)}\n`),
    pair(`${lines[1]}\n${lines[4]}\n`),
    pair(''),
  ];
}

/** Past this many characters a log is not made longer (a case stays around a millisecond). */
const GROWTH_LIMIT = 512 * 1024;

const ODD_NUMBERS = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '-0', '1e-400', '0x10', '9'.repeat(400), '1.7976931348623157e308', '-1', '2', '1e21'];
const PROTO_ENTRIES = ['"__proto__":{"status":"done","polluted":true}', '"constructor":{"prototype":{"polluted":true}}', '"prototype":1', '"__proto__":null'];

/** Byte offset just after the `n`-th newline (0: start), or the end. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function mutateLines(text: string, random: Random): { text: string; kind: string } {
  const lines = text.split('\n');
  const records = lines.map((l, i) => [l, i] as const).filter(([l]) => l.trim() !== '');
  const at = records.length > 0 ? pick(random, records)[1] : 0;
  const line = lines[at] ?? '';
  switch (randomInt(random, 14)) {
    case 0:
    case 1:
    case 2: {
      // A JSON edit inside one record.
      try {
        const root = JSON.parse(line) as JsonValue;
        const kind = mutateJsonValue(root, random);
        lines[at] = JSON.stringify(root);
        return { text: lines.join('\n'), kind: `log:${kind}` };
      } catch {
        break; // not JSON, or nested too deep to serialize again (a deep-nesting case)
      }
    }
    case 3: {
      // A field of one record moved into another (metrics of a failed trial, another key, ...).
      if (records.length < 2) break;
      try {
        const a = JSON.parse(line) as Record<string, JsonValue>;
        const b = JSON.parse(pick(random, records)[0]) as Record<string, JsonValue>;
        const field = pick(random, Object.keys(b).length > 0 ? Object.keys(b) : ['key']);
        a[field] = b[field] ?? null;
        lines[at] = JSON.stringify(a);
        return { text: lines.join('\n'), kind: 'log:field-swap' };
      } catch {
        break;
      }
    }
    case 4: {
      // A number written as something JSON.parse refuses or turns into Infinity / -0 / 0.
      const numbers = [...line.matchAll(/(?<=[:\[,])-?\d+(\.\d+)?([eE][-+]?\d+)?/g)];
      if (numbers.length === 0) break;
      const m = pick(random, numbers);
      lines[at] = line.slice(0, m.index) + pick(random, ODD_NUMBERS) + line.slice(m.index! + m[0].length);
      return { text: lines.join('\n'), kind: 'log:odd-number' };
    }
    case 5: {
      // A key that reaches a prototype, at the top or inside config/metrics/layers.
      const braces = [...line.matchAll(/\{/g)];
      if (braces.length === 0) break;
      const b = pick(random, braces).index! + 1;
      lines[at] = `${line.slice(0, b)}${pick(random, PROTO_ENTRIES)},${line.slice(b)}`;
      return { text: lines.join('\n'), kind: 'log:proto-key' };
    }
    case 6: {
      // A torn write: cut anywhere, also inside a multi-byte character or before the last newline.
      const bytes = encoder.encode(text);
      return { text: decoder.decode(bytes.subarray(0, randomInt(random, bytes.length + 1))), kind: 'log:torn' };
    }
    case 7:
      if (records.length === 0) break;
      lines.splice(at, 1);
      return { text: lines.join('\n'), kind: 'log:drop-line' };
    case 8: {
      // The same record again (a redelivered result), or lines reordered.
      if (records.length === 0) break;
      if (random() < 0.5) lines.splice(randomInt(random, lines.length), 0, line);
      else {
        const other = pick(random, records)[1];
        [lines[at], lines[other]] = [lines[other]!, lines[at]!];
      }
      return { text: lines.join('\n'), kind: 'log:repeat-reorder' };
    }
    case 9: {
      // Many lines: the log of a long exploration (each record's key made unique).
      if (text.length > GROWTH_LIMIT / 4) break;
      const copies = 10 + randomInt(random, 50);
      const out: string[] = [];
      for (let i = 0; i < copies; i++) out.push(line.replace(/"key":"[0-9a-f]{4}/, `"key":"${(i & 0xffff).toString(16).padStart(4, '0')}`));
      return { text: `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${out.join('\n')}\n`, kind: 'log:many-lines' };
    }
    case 10: {
      // One very long line: a long error or recipe, a huge layer table, or deep nesting.
      if (text.length > GROWTH_LIMIT) break;
      const form = randomInt(random, 3);
      const long = form === 0
        ? line.replace(/"startedAt"/, `"recipe":"${'x'.repeat(1000 + randomInt(random, 20_000))}","startedAt"`)
        : form === 1
          ? line.replace(/"layers":\[/, `"layers":[${'{"name":"l","className":"Dense","params":1,"nonzero":1,"macs":1,"bytes":1},'.repeat(50 + randomInt(random, 500))}`)
          : line.replace(/"config":/, () => {
            const depth = 10 + randomInt(random, 20_000);
            return `"config":{"sparsity":${'['.repeat(depth)}0${']'.repeat(depth)}},"original":`;
          });
      lines[at] = long;
      return { text: lines.join('\n'), kind: 'log:long-line' };
    }
    case 11: {
      // Line ends and bytes that are not JSON whitespace: CRLF, a BOM, blank lines, NUL.
      const form = randomInt(random, 4);
      const out = form === 0 ? text.replace(/\n/g, '\r\n') : form === 1 ? `\uFEFF${text}` : form === 2 ? text.replace(/\n/, '\n\n   \n\t\n') : `${line.slice(0, line.length >> 1)}\0${line.slice(line.length >> 1)}`;
      if (form === 3) lines[at] = out;
      return { text: form === 3 ? lines.join('\n') : out, kind: 'log:whitespace' };
    }
    case 12: {
      // A line of another shape entirely.
      lines.splice(at, 0, pick(random, ['null', '[]', '{}', '"done"', '1', '{"key":"00000000"}', '{"status":"done"}', '{', '}{', ']']));
      return { text: lines.join('\n'), kind: 'log:other-json' };
    }
    default: {
      // A line without its newline at the very end, after a whole record.
      const starts = lineStarts(text);
      const cut = pick(random, starts);
      return { text: text.slice(0, cut) + line.slice(0, randomInt(random, line.length + 1)), kind: 'log:torn-tail' };
    }
  }
  if (records.length === 0 || text.length > GROWTH_LIMIT) return { text: text.slice(0, text.length >> 1), kind: 'log:halve' };
  lines.splice(at, 1);
  return { text: lines.join('\n'), kind: 'log:drop-line' };
}

function mutateSpace(space: Uint8Array, random: Random): { space: Uint8Array; kind: string } {
  const text = decoder.decode(space);
  if (random() < 0.25) {
    const replaced = pick(random, ['', 'null', '[]', '{}', '{"version":1}', '{"version":1,"hash":"x"}', text.slice(0, randomInt(random, text.length + 1))]);
    return { space: encoder.encode(replaced), kind: 'space:replace' };
  }
  try {
    const root = JSON.parse(text) as JsonValue;
    const kind = mutateJsonValue(root, random);
    return { space: encoder.encode(JSON.stringify(root)), kind: `space:${kind}` };
  } catch {
    return { space: encoder.encode(`${text}}`), kind: 'space:unparsable' };
  }
}

function mutate(input: Uint8Array, random: Random): Mutation {
  const pair = unpackPair(input);
  const r = random();
  if (r < 1 / 96) return { bytes: packPair({ ...pair, flags: pair.flags ^ 1 }), kind: 'pair:disk' };
  if (r < 1 / 96 + 1 / 192) return { bytes: packPair({ ...pair, flags: pair.flags ^ 2 }), kind: 'pair:force' };
  if (r < 0.2) {
    const m = mutateSpace(pair.space, random);
    return { bytes: packPair({ ...pair, space: m.space }), kind: m.kind };
  }
  const m = mutateLines(decoder.decode(pair.trials), random);
  return { bytes: packPair({ ...pair, trials: encoder.encode(m.text) }), kind: m.kind };
}

const withoutBom = (text: string): string => (text.startsWith('\uFEFF') ? text.slice(1) : text);

/** An invariant of the reader broken: a crash, whatever the input. */
function violated(what: string): Error {
  return new Error(`invariant broken: ${what}`);
}

/** The reader's own checks on what it returned. */
function checkLog(text: string, log: ReturnType<typeof parseTrialLog>): void {
  const lines = withoutBom(text).split('\n');
  if (log.tornTail !== (lines[lines.length - 1] !== '')) throw violated('tornTail');
  const complete = lines.slice(0, -1).filter((l) => l.trim() !== '').length;
  if (log.records.length + log.skipped !== complete + (log.tornTail ? 1 : 0)) throw violated(`${log.records.length} records + ${log.skipped} skipped != ${complete} lines`);
  if (new Set(log.records.map((r) => r.key)).size !== log.records.length) throw violated('a key kept twice');
  for (const r of log.records.slice(0, 16)) {
    // What the store holds must read back as itself (it is what trials.csv and the fronts see).
    const json = JSON.stringify(r);
    if (JSON.stringify(parseTrialRecord(JSON.parse(json))) !== json) throw violated(`record ${r.key} does not round-trip`);
  }
  if (Object.keys(Object.prototype).length > 0 || (Object.prototype as Record<string, unknown>)['polluted'] !== undefined) throw violated('Object.prototype polluted');
}

const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** Through the store on disk: open (repairing), check the repair, append one record, reopen. */
async function throughStore(pair: Pair, log: ReturnType<typeof parseTrialLog>): Promise<void> {
  const dir = mkdtempSync(path.join(SCRATCH, 'smallnets-fuzz-trials-'));
  try {
    if (pair.space.length > 0) writeFileSync(path.join(dir, SPACE_FILE), pair.space);
    writeFileSync(path.join(dir, TRIALS_FILE), pair.trials);
    const store = await TrialStore.open(dir, identity(), { force: (pair.flags & 2) !== 0 });
    // With `force`, another exploration's trials are deleted (a directory without space.json keeps them).
    const replaced = pair.space.length > 0 && !isDeepStrictEqual(new Uint8Array(readFileSync(path.join(dir, SPACE_FILE))), pair.space);
    try {
      const onDisk = new Uint8Array(readFileSync(path.join(dir, TRIALS_FILE)));
      const keys = store.records().map((r) => r.key);
      if (replaced) {
        if (keys.length > 0 || onDisk.length > 0) throw violated('a replaced exploration kept trials');
      } else {
        // A torn tail is cut right after the last newline byte; a log without one is left as it is.
        const cut = log.tornTail ? pair.trials.lastIndexOf(0x0a) + 1 : pair.trials.length;
        if (!isDeepStrictEqual(onDisk, pair.trials.subarray(0, cut))) throw violated(`the log was not cut after its last newline (${onDisk.length} bytes kept, ${cut} expected)`);
        if (!isDeepStrictEqual(keys, log.records.map((r) => r.key))) throw violated('the store holds other records than the parser kept');
      }
      const added: TrialRecord = { ...(log.records[0] ?? FALLBACK), key: 'feedfacecafe0001' };
      if (!store.has(added.key) && !(await store.add(added))) throw violated('a new key was not added');
    } finally {
      store.close();
    }
    if (existsSync(path.join(dir, LOCK_FILE))) throw violated('the lock outlived close()');
    const again = await TrialStore.open(dir, identity());
    again.close();
    if (!again.has('feedfacecafe0001')) throw violated('a record appended after the repair was lost');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const FALLBACK: TrialRecord = {
  key: 'feedfacecafe0001', config: { sparsity: 0.5 }, status: 'failed', error: 'x', seconds: 1,
  startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z',
};

async function run(input: Uint8Array): Promise<void> {
  const pair = unpackPair(input);
  const text = decoder.decode(pair.trials);
  const log = parseTrialLog(text);
  checkLog(text, log);
  summarizeTrials(log.records, 0.98, 0.5);
  trialsCsv(log.records);
  if (pair.flags & 1) await throughStore(pair, log);
  parseSpaceFile(decoder.decode(pair.space), SPACE_FILE);
  if (log.skipped === 0) return;
  // The log reader skips a bad line and goes on; the refusal reported is the line parser's reason.
  for (const line of withoutBom(text).split('\n').slice(0, -1)) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new RuntimeError('a line of trials.jsonl is not JSON');
    }
    parseTrialRecord(value);
  }
  throw new RuntimeError(`${log.skipped} line(s) of trials.jsonl skipped (repeated key or torn tail)`);
}

export const trialLogTarget: FuzzTarget = {
  name: 'trial-log',
  description: 'the exploration store: trials.jsonl lines (explore/trial-record.ts), space.json, the torn-tail repair of TrialStore.open',
  seeds,
  mutate,
  run,
  isRefusal: (error) => error instanceof RuntimeError || error instanceof UsageError,
};
