/**
 * Generated request bodies for the request-side fuzz tests (the readers' property test and the
 * HTTP one through a real hub). A body is a top-level object whose keys are drawn from the
 * fields the hub acts on plus others, each key sometimes spelled with \uXXXX escapes, sometimes
 * repeated; values are plain (what a real client sends) or wild (huge numbers, deep nesting,
 * escapes, long strings, arbitrary JSON); a wild body may then get a few random bytes inserted,
 * replaced (invalid UTF-8 included) or be cut short.
 */
import fc from "fast-check";

/** Seed and run count: fixed in CI, overridable with FUZZ_SEED / FUZZ_RUNS for a longer run. */
export const FUZZ_SEED = Number.isInteger(Number(process.env.FUZZ_SEED)) && process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 12012;

export function fuzzRuns(ciDefault: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciDefault;
}

/** One member of a generated object: its decoded name and its raw JSON value. */
export interface Member {
  name: string;
  value: string;
}

export interface GeneratedBody {
  body: Buffer;
  /** Decoded top-level names in order (a name twice = a duplicate). */
  names: string[];
  /** Only plain members, no duplicate, no byte mutation: the hub must accept it. */
  plain: boolean;
  /** Bytes were inserted, replaced or cut after the members were written (`names` may not hold). */
  mutated: boolean;
}

/** `name` as JSON source text, each character escaped as \uXXXX where `mask` says so. */
export function spellKey(name: string, mask: readonly number[]): string {
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const how = mask[i % Math.max(1, mask.length)] ?? 0;
    const code = name.charCodeAt(i);
    if (how === 1) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else if (how === 2) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += JSON.stringify(name[i]).slice(1, -1);
  }
  return `"${out}"`;
}

const keyMask = fc.oneof({ weight: 3, arbitrary: fc.constant([0]) }, { weight: 2, arbitrary: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 12 }) });
const whitespace = fc.constantFrom("", " ", "\n", " \t\r\n ");

/** Numbers at and past the edges of what JSON.parse and the hub's arithmetic handle. */
const hugeNumber = fc.constantFrom("1e400", "-1e400", "123456789012345678901234567890", "1e-400", "-0", "1E+2", "9007199254740993", "0.1e1", "-1", "0", "2147483648", "1e21");
/** Arrays and objects nested up to a few thousand levels deep. */
const deepNesting = fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.boolean()).map(([depth, objects]) =>
  objects ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}${"]".repeat(depth)}`,
);
/** Strings with escapes (valid, and a few that JSON.parse refuses), lone surrogates, long runs. */
const escapedString = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: "binary", maxLength: 20 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\ud800"', '"a\\u0000b"', '"\\"quoted\\""', '"\\\\"', '"\\x"', '"\\u12"', '"tab\there"', '"\\/"'),
  fc.integer({ min: 200, max: 1200 }).map((n) => JSON.stringify("m".repeat(n))),
);
const wildValue = fc.oneof(
  { weight: 3, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: hugeNumber },
  { weight: 1, arbitrary: deepNesting },
  { weight: 3, arbitrary: escapedString },
  { weight: 1, arbitrary: fc.constantFrom("true", "false", "null", "[]", "{}") },
);

/** A generated object (as JSON text) from plain values for some names and wild ones for others. */
export function objectText(members: readonly Member[], masks: readonly (readonly number[])[], ws: string): string {
  return `{${ws}${members.map((m, i) => `${spellKey(m.name, masks[i] ?? [0])}${ws}:${ws}${m.value}`).join(`,${ws}`)}${ws}}`;
}

/** Inserts, replaces or cuts bytes: invalid UTF-8, stray quotes and brackets, truncation. */
const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  op: fc.constantFrom("insert", "replace", "truncate"),
  bytes: fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 4 }), fc.constantFrom(Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0x22), Uint8Array.of(0x5c), Uint8Array.of(0x7d))),
});

function mutate(body: Buffer, m: { at: number; op: string; bytes: Uint8Array }): Buffer {
  const at = Math.floor(m.at * body.length);
  if (m.op === "truncate") return body.subarray(0, at);
  const tail = body.subarray(m.op === "replace" ? Math.min(body.length, at + m.bytes.length) : at);
  return Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), tail]);
}

/**
 * Bodies for one family. `plainValues` gives, per name the hub acts on, the values a real client
 * sends (JSON text); `noise` names are other fields.
 */
export function bodies(plainValues: Readonly<Record<string, fc.Arbitrary<string>>>, noise: readonly string[] = ["messages", "temperature", "x", "", "__proto__"]): fc.Arbitrary<GeneratedBody> {
  const acted = Object.keys(plainValues);
  const plainMember = fc.constantFrom(...acted).chain((name) => plainValues[name].map((value): Member => ({ name, value })));
  const plain = fc
    .tuple(fc.uniqueArray(plainMember, { maxLength: acted.length, selector: (m) => m.name }), fc.array(keyMask, { minLength: acted.length, maxLength: acted.length }), whitespace)
    .map(([members, masks, ws]): GeneratedBody => ({ body: Buffer.from(objectText(members, masks, ws)), names: members.map((m) => m.name), plain: true, mutated: false }));
  const anyName = fc.constantFrom(...acted, ...noise);
  const wildMember = fc.tuple(anyName, fc.oneof(wildValue, fc.constantFrom(...acted).chain((n) => plainValues[n]))).map(([name, value]): Member => ({ name, value }));
  const wild = fc
    .tuple(fc.array(wildMember, { maxLength: 8 }), fc.array(keyMask, { maxLength: 8 }), whitespace, fc.option(mutation, { freq: 4 }))
    .map(([members, masks, ws, m]): GeneratedBody => {
      const text = Buffer.from(objectText(members, masks, ws));
      return { body: m ? mutate(text, m) : text, names: members.map((x) => x.name), plain: false, mutated: m !== null };
    });
  return fc.oneof(plain, wild);
}

/** True when a name the hub acts on appears twice among `names`. */
export function hasDuplicate(names: readonly string[], acted: readonly string[]): boolean {
  const seen = new Set<string>();
  for (const name of names) {
    if (!acted.includes(name)) continue;
    if (seen.has(name)) return true;
    seen.add(name);
  }
  return false;
}

/** JSON.parse of the body as a standard parser reads it, or undefined when it refuses it. */
export function reference(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as unknown;
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Plain values shared by the families (JSON text). */
export const PLAIN = {
  model: fc.constantFrom('"claude-sonnet-4-5"', '"gpt-5"', '"gemini-2.5-flash"', '"m\\u006fdel-x"'),
  stream: fc.constantFrom("true", "false"),
  tokens: fc.integer({ min: 1, max: 64_000 }).map(String),
  id: fc.uuid().map((u) => JSON.stringify(u)),
  metadata: fc.uuid().map((u) => JSON.stringify({ user_id: `user_${"a".repeat(64)}_account_${u}_session_${u}` })),
  conversation: fc.constantFrom('[{"role":"user","content":"hi"}]', "[]"),
};
