/**
 * The JSON scanner (json-scan.ts) as every wire format's request reader uses it: a malformed
 * body, or a bad escape inside one of the few fields the gateway parses, is the client's error
 * (400 in the client's own format), never a hub failure. So is a field the hub acts on that
 * appears twice (decision 0012: the hub cannot know which copy the upstream will use).
 */
import { GatewayError } from "../errors.ts";
import { JsonDuplicateKeyError, JsonSyntaxError, parseField, scanTopLevel, type FieldRange, type NestedKeyWatch } from "./json-scan.ts";

/**
 * The byte ranges of the `wanted` top-level fields of a JSON object body (or of an object nested
 * in it: `where` names it in the messages, e.g. "request" for Code Assist's inner request).
 */
export function scanRequestBody(body: Buffer, wanted: ReadonlySet<string>, where?: string, watch?: NestedKeyWatch): Map<string, FieldRange> {
  try {
    return scanTopLevel(body, wanted, watch);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw new GatewayError("invalid_request", `The request body is not valid JSON: ${error.message}`);
    }
    if (error instanceof JsonDuplicateKeyError) {
      const name = where ? `${where}.${error.key}` : error.key;
      throw new GatewayError("invalid_request", `${name}: the field appears more than once; send it once.`);
    }
    throw error;
  }
}

/** One found field's value (the scanner does not check escapes inside strings; this does). */
export function requestField(body: Buffer, range: FieldRange | undefined, name: string): unknown {
  try {
    return parseField(body, range);
  } catch {
    throw new GatewayError("invalid_request", `${name}: not valid JSON`);
  }
}
