/**
 * Reads object members of a stream chunk from its raw text, without decoding the chunk.
 *
 * A content chunk of a Chat Completions stream carries nothing the hub needs once the stream is
 * committed; what it does need (a usage object, an error, a finish reason) can be recognised by
 * the member name. In valid JSON the sequence `"name"` preceded by `{` or `,` and followed by
 * `:` (whitespace allowed) can only be a member name: inside a string every quote is escaped,
 * so a quote there is preceded by a backslash, never by a bare comma or brace.
 *
 * The text is the chunk decoded as latin1: one character per byte, so offsets are byte offsets
 * of the original buffer, and the searches stay in JavaScript (Buffer.indexOf crosses into
 * native code on every call, which on a 200-byte chunk costs more than the search itself;
 * measured, a latin1 view and three string searches cost about a third of a JSON.parse).
 */

const COMMA = 0x2c;
const COLON = 0x3a;
const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;

function isWhitespace(c: number) {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Where a member sits: its name's opening quote, the `{` or `,` before it, and its value's first character. */
export interface MemberHit {
  /** Offset of the `{` or `,` that precedes the member name. */
  separator: number;
  /** Offset of the member name's opening quote. */
  nameStart: number;
  /** Offset of the first character of the value. */
  valueStart: number;
}

/** The `{` or `,` before a candidate name at `nameStart`, or -1 when the candidate is not a member name. */
function separatorBefore(text: string, nameStart: number): number {
  let at = nameStart - 1;
  while (at >= 0 && isWhitespace(text.charCodeAt(at))) at--;
  const c = text.charCodeAt(at);
  return c === COMMA || c === OPEN_OBJECT ? at : -1;
}

/** The members of a chat chunk that the stream tap acts on. */
export type WatchedMember = "usage" | "error" | "finish_reason";

const WATCHED: readonly WatchedMember[] = ["usage", "error", "finish_reason"];

/** The first occurrence of each watched member (at any depth) in a chunk's text. */
export function findWatchedMembers(text: string): Partial<Record<WatchedMember, MemberHit>> {
  const found: Partial<Record<WatchedMember, MemberHit>> = {};
  for (const name of WATCHED) {
    const hit = findMember(text, name);
    if (hit) found[name] = hit;
  }
  return found;
}

/** The first member called `name` (at any depth) at or after offset `from`, or undefined. */
export function findMember(text: string, name: string, from = 0): MemberHit | undefined {
  // Searched without its opening quote: a quote starts every key and string, so a pattern that
  // begins with one stops the search at every member, while a name's first letter is rarer.
  const tail = `${name}"`;
  for (let at = text.indexOf(tail, from); at >= 0; at = text.indexOf(tail, at + 1)) {
    const nameStart = at - 1;
    if (text.charCodeAt(nameStart) !== QUOTE) continue;
    const separator = separatorBefore(text, nameStart);
    if (separator < 0) continue;
    let pos = at + tail.length;
    while (isWhitespace(text.charCodeAt(pos))) pos++;
    if (text.charCodeAt(pos) !== COLON) continue;
    pos++;
    while (isWhitespace(text.charCodeAt(pos))) pos++;
    return { separator, nameStart, valueStart: pos };
  }
  return undefined;
}

/**
 * The range [start, end) to cut so that the member at `hit`, when its value is `null`,
 * disappears together with the comma that joined it to a neighbour; undefined when its value
 * is not null.
 */
export function nullMemberSpan(text: string, hit: MemberHit): [start: number, end: number] | undefined {
  if (!text.startsWith("null", hit.valueStart)) return undefined;
  const valueEnd = hit.valueStart + 4;
  // `…,"usage":null` → `…`: the member goes with the comma before it.
  if (text.charCodeAt(hit.separator) === COMMA) return [hit.separator, valueEnd];
  // First member: `{"usage":null,"id":…` → `{"id":…` (or `{}` when it was the only one).
  let after = valueEnd;
  while (isWhitespace(text.charCodeAt(after))) after++;
  if (text.charCodeAt(after) !== COMMA) return [hit.nameStart, valueEnd];
  after++;
  while (isWhitespace(text.charCodeAt(after))) after++;
  return [hit.nameStart, after];
}
