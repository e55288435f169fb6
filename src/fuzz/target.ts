/**
 * What a fuzz target is: a decoder smallnets owns or feeds, the valid inputs mutation starts from,
 * and its structure-aware mutations. A target is one small file in ./targets/ plus one line in
 * ./targets/index.ts; the engine (./engine.ts), the CI test and `npm run fuzz` do the rest.
 *
 * The contract a target's decoder is held to: for every input it returns (accepts) or throws its
 * documented refusal (`isRefusal`) with a one-line message — never another exception, never a hang
 * (per-case time limit), never memory past a bound.
 */

/** A uniform random number in [0, 1), seeded (src/random.ts mulberry32). */
export type Random = () => number;

export interface Mutation {
  bytes: Uint8Array;
  /** Short name of what was done (e.g. 'json:number', 'png:ihdr-size'), for reports. */
  kind: string;
}

export interface FuzzTarget {
  /** Name on the command line and in test/fuzz-corpus/NAME/. */
  name: string;
  /** The decoder under test, for --help and results. */
  description: string;
  /** Valid inputs the mutations start from; deterministic, built once per process. */
  seeds(): Uint8Array[] | Promise<Uint8Array[]>;
  /** One structure-aware mutation of `input` (the engine also applies generic byte mutations). */
  mutate(input: Uint8Array, random: Random): Mutation;
  /** Repairs applied after all mutations, so they reach past checksums (PNG CRCs, .snn's CRC). */
  finish?(input: Uint8Array, random: Random): Uint8Array;
  /** Decode: return when the input is accepted, throw to refuse it. */
  run(input: Uint8Array): unknown;
  /** Whether a thrown error is the decoder's documented refusal. */
  isRefusal(error: unknown): boolean;
  /**
   * Further checks on an accepted input, slower than `run` (e.g. build the TF.js model the decoder
   * accepted and compare its weights): run on the first `deep` accepted cases. Throws on a violation.
   */
  deep?(input: Uint8Array): Promise<void>;
}
