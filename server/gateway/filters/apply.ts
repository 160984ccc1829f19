/**
 * The actions of request filters on one document (a parsed JSON body or event) or one header
 * set. Pure: nothing here knows about requests, providers or the decision chain. A filter that
 * cannot act (its path is absent, the value is of another type) does nothing and says why, so
 * the caller can note it; it never throws.
 */
import { resolvePath } from "../../domain/request-filters/path.ts";
import type { CompiledFilter } from "../../domain/request-filters/rules.ts";

export type ActionResult = { applied: true } | { applied: false; reason: string };

const APPLIED: ActionResult = { applied: true };

function copyOf(value: unknown): unknown {
  return value !== null && typeof value === "object" ? structuredClone(value) : value;
}

function replaceText(filter: CompiledFilter, text: string): string {
  return filter.regex!.matcher(text).replaceAll(String(filter.value ?? ""));
}

/** Applies a body filter to `doc` in place. */
export function applyToDocument(filter: CompiledFilter, doc: unknown): ActionResult {
  if (!doc || typeof doc !== "object") return { applied: false, reason: "the body is not a JSON object or array" };
  const path = filter.path!;
  switch (filter.action) {
    case "set": {
      const hits = resolvePath(doc, path, true);
      if (!hits.length) return { applied: false, reason: `${filter.target}: its parent is absent` };
      for (const { parent, key } of hits) (parent as Record<string | number, unknown>)[key] = copyOf(filter.value);
      return APPLIED;
    }
    case "delete": {
      const hits = resolvePath(doc, path, false);
      if (!hits.length) return { applied: false, reason: `${filter.target}: absent` };
      // From the last index down, so that removing one array element does not shift the next.
      for (const { parent, key } of hits.reverse()) {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
      }
      return APPLIED;
    }
    case "replace": {
      const hits = resolvePath(doc, path, false);
      if (!hits.length) return { applied: false, reason: `${filter.target}: absent` };
      let changed = 0;
      for (const { parent, key } of hits) {
        const container = parent as Record<string | number, unknown>;
        const value = container[key];
        if (typeof value !== "string") continue;
        container[key] = replaceText(filter, value);
        changed++;
      }
      return changed ? APPLIED : { applied: false, reason: `${filter.target}: not text` };
    }
  }
}

/**
 * Applies a header filter to `headers` (lowercased names) in place. `untouchable` names the
 * headers this request must keep as they are (the provider's credentials, whatever they are
 * called); compileFilter already refused the well-known ones at save time.
 */
export function applyToHeaders(filter: CompiledFilter, headers: Record<string, string>, untouchable?: Record<string, unknown>): ActionResult {
  const name = filter.header!;
  if (untouchable && Object.prototype.hasOwnProperty.call(untouchable, name)) return { applied: false, reason: `${name}: set by the hub for the provider's credentials` };
  const present = Object.prototype.hasOwnProperty.call(headers, name);
  switch (filter.action) {
    case "set":
      headers[name] = String(filter.value);
      return APPLIED;
    case "delete":
      if (!present) return { applied: false, reason: `${name}: absent` };
      delete headers[name];
      return APPLIED;
    case "replace":
      if (!present) return { applied: false, reason: `${name}: absent` };
      headers[name] = replaceText(filter, headers[name]);
      return APPLIED;
  }
}
