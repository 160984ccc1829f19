/**
 * The JSONPath-like paths of request filters: `metadata.user_id`, `$.messages[0].content`,
 * `messages[*].content`, `["odd.key"].x`. Deliberately small — member names, array indexes
 * and `[*]` (every element) — so a path means the same thing to the admin, the tester and the
 * gateway, and every path is checked once when it is saved.
 */

import { validationProblem, type ProblemVars, type ValidationCode, type ValidationProblem } from "../validation-problems.ts";

export type PathSegment = { kind: "key"; name: string } | { kind: "index"; index: number } | { kind: "each" };

export class FilterPathError extends Error {
  /** The reason, coded so the dashboard can say it in the admin's language. */
  readonly problem: ValidationProblem;

  constructor(code: Extract<ValidationCode, `filterPath${string}`>, path: string, vars: ProblemVars = {}) {
    const problem = validationProblem(code, { path, ...vars });
    super(problem.message);
    this.name = "FilterPathError";
    this.problem = problem;
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Parses a path; throws FilterPathError with the reason when it is not one. */
export function parsePath(path: string): PathSegment[] {
  const source = path.trim();
  if (!source) throw new FilterPathError("filterPathEmpty", path);
  let rest = source.startsWith("$") ? source.slice(1) : source;
  const segments: PathSegment[] = [];
  let first = !source.startsWith("$");
  while (rest.length) {
    if (rest.startsWith("[")) {
      const close = rest.indexOf("]");
      if (close < 0) throw new FilterPathError("filterPathUnclosed", path);
      const inner = rest.slice(1, close).trim();
      if (inner === "*") segments.push({ kind: "each" });
      else if (/^\d+$/.test(inner)) segments.push({ kind: "index", index: Number(inner) });
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner) || /^'[^']*'$/.test(inner)) {
        segments.push({ kind: "key", name: inner.startsWith('"') ? quotedName(inner, path) : inner.slice(1, -1) });
      } else throw new FilterPathError("filterPathBadBracket", path, { inner });
      rest = rest.slice(close + 1);
    } else {
      if (!first) {
        if (!rest.startsWith(".")) throw new FilterPathError("filterPathExpectedDot", path, { rest });
        rest = rest.slice(1);
      }
      const name = IDENT.exec(rest)?.[0];
      if (!name) throw new FilterPathError("filterPathNoMemberName", path, { rest });
      segments.push({ kind: "key", name });
      rest = rest.slice(name.length);
    }
    first = false;
  }
  if (!segments.length) throw new FilterPathError("filterPathNoField", path);
  return segments;
}

/** A double-quoted member name; an escape JSON does not know (\x) makes the bracket invalid. */
function quotedName(inner: string, path: string): string {
  try {
    return JSON.parse(inner) as string;
  } catch {
    throw new FilterPathError("filterPathBadBracket", path, { inner });
  }
}

/** A place in a parsed document that a path reached: the container and the key in it. */
export interface PathHit {
  parent: Record<string, unknown> | unknown[];
  key: string | number;
}

/**
 * Every place the path reaches in `doc`. `forWrite` lets the last segment name a member that
 * does not exist yet (set creates it); intermediate containers must exist.
 */
export function resolvePath(doc: unknown, segments: PathSegment[], forWrite: boolean): PathHit[] {
  let current: unknown[] = [doc];
  const hits: PathHit[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const next: unknown[] = [];
    for (const node of current) {
      if (segment.kind === "key") {
        if (!node || typeof node !== "object" || Array.isArray(node)) continue;
        const record = node as Record<string, unknown>;
        const present = Object.prototype.hasOwnProperty.call(record, segment.name);
        if (last) {
          if (present || forWrite) hits.push({ parent: record, key: segment.name });
        } else if (present) next.push(record[segment.name]);
      } else if (segment.kind === "index") {
        if (!Array.isArray(node) || segment.index >= node.length) continue;
        if (last) hits.push({ parent: node, key: segment.index });
        else next.push(node[segment.index]);
      } else {
        if (!Array.isArray(node)) continue;
        node.forEach((item, index) => (last ? hits.push({ parent: node, key: index }) : next.push(item)));
      }
    }
    current = next;
  });
  return hits;
}
