/**
 * JSON Schema ⇄ Gemini's `Schema` (an OpenAPI 3.0 subset), for tool parameters and structured
 * output.
 *
 * Decision: the encoder sends `parameters` / `responseSchema` (the OpenAPI subset) rather than
 * `parametersJsonSchema` / `responseJsonSchema`. Every Gemini model, Vertex and Code Assist
 * accept the subset; the JSON Schema fields exist only on newer models and API versions. So
 * the JSON Schema a client sent is rewritten into the subset here:
 *
 * - kept: type, format (see below), title, description, nullable, enum (strings), items,
 *   prefixItems→items, properties, required, minItems/maxItems, minProperties/maxProperties,
 *   minLength/maxLength, pattern, minimum/maximum, anyOf, default, example, propertyOrdering;
 * - rewritten: `type: [T, "null"]` → `type: T, nullable: true` (several non-null types →
 *   anyOf); `const: v` → `enum: [v]` (strings); `oneOf` → `anyOf`; `allOf` of object schemas
 *   → one merged object; numeric `exclusiveMinimum/Maximum` → minimum/maximum (the bound
 *   itself becomes allowed: looser, never stricter); `$ref` → the referenced `$defs` /
 *   `definitions` entry inlined (a recursive reference becomes a plain `{type: object}`);
 *   non-string `enum` values → the enum is dropped and listed in the description;
 * - removed: `$schema`, `$id`, `$comment`, `$anchor`, `additionalProperties`,
 *   `patternProperties`, `unevaluatedProperties`, `propertyNames`, `dependentRequired`,
 *   `dependentSchemas`, `if/then/else`, `not`, `contains`, `uniqueItems`, `multipleOf`,
 *   `examples`, `readOnly`, `writeOnly`, `deprecated`, string formats other than `enum` and
 *   `date-time`, and anything else not listed as kept.
 *
 * The names of removed keywords are collected so the encoder can record one note. These
 * keywords only constrain what the model may produce; the tool still receives arguments it
 * must validate anyway, which is why dropping them is a note and not a refusal.
 */

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const KEEP = new Set([
  "type",
  "format",
  "title",
  "description",
  "nullable",
  "enum",
  "items",
  "properties",
  "required",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "anyOf",
  "default",
  "example",
  "propertyOrdering",
]);

/** Keywords consumed by the rewrites below (not reported as removed). */
const REWRITTEN = new Set(["const", "oneOf", "allOf", "exclusiveMinimum", "exclusiveMaximum", "$ref", "$defs", "definitions", "prefixItems"]);

const NUMERIC_FORMATS = new Set(["int32", "int64", "float", "double"]);
const STRING_FORMATS = new Set(["enum", "date-time"]);
const MAX_DEPTH = 64;

interface Context {
  defs: Json;
  removed: Set<string>;
  /** $ref targets being expanded (a recursion guard). */
  expanding: Set<string>;
}

function resolveRef(ref: string, ctx: Context): Json | undefined {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return undefined;
  const name = match[2].replace(/~1/g, "/").replace(/~0/g, "~");
  const target = ctx.defs[name];
  return isObject(target) ? target : undefined;
}

function mergeAllOf(schema: Json, ctx: Context): Json {
  const parts = (schema.allOf as unknown[]).filter(isObject);
  const merged: Json = { ...schema };
  delete merged.allOf;
  const properties: Json = isObject(schema.properties) ? { ...schema.properties } : {};
  const required = new Set<string>(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === "string") : []);
  for (const raw of parts) {
    const part = typeof raw.$ref === "string" ? (resolveRef(raw.$ref, ctx) ?? raw) : raw;
    if (isObject(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) for (const r of part.required) if (typeof r === "string") required.add(r);
    for (const [key, value] of Object.entries(part)) {
      if (key !== "properties" && key !== "required" && merged[key] === undefined) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function convert(input: Json, ctx: Context, depth: number): Json {
  if (depth > MAX_DEPTH) return { type: "object" };
  let schema = input;
  if (typeof schema.$ref === "string") {
    const ref = schema.$ref;
    const target = resolveRef(ref, ctx);
    if (!target || ctx.expanding.has(ref)) {
      ctx.removed.add("$ref");
      const loose: Json = { type: "object" };
      if (typeof schema.description === "string") loose.description = schema.description;
      return loose;
    }
    ctx.expanding.add(ref);
    // Sibling keywords of a $ref (description…) take precedence over the target's.
    const { $ref: _ref, ...siblings } = schema;
    const out = convert({ ...target, ...siblings }, ctx, depth + 1);
    ctx.expanding.delete(ref);
    return out;
  }
  if (Array.isArray(schema.allOf)) schema = mergeAllOf(schema, ctx);

  const out: Json = {};
  let description = typeof schema.description === "string" ? schema.description : undefined;

  // type: a list with "null" → nullable; several real types → anyOf of each.
  const type = schema.type;
  let anyOfTypes: string[] | undefined;
  if (Array.isArray(type)) {
    const types = type.filter((t): t is string => typeof t === "string");
    const real = types.filter((t) => t !== "null");
    if (types.includes("null")) out.nullable = true;
    if (real.length === 1) out.type = real[0];
    else if (real.length > 1) anyOfTypes = real;
  } else if (typeof type === "string") {
    if (type === "null") out.nullable = true;
    else out.type = type;
  }

  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" || key === "description") continue;
    if (REWRITTEN.has(key)) continue;
    if (!KEEP.has(key)) {
      ctx.removed.add(key);
      continue;
    }
    switch (key) {
      case "properties":
        if (isObject(value)) {
          const props: Json = {};
          for (const [name, sub] of Object.entries(value)) props[name] = isObject(sub) ? convert(sub, ctx, depth + 1) : {};
          out.properties = props;
        }
        break;
      case "items":
        if (isObject(value)) out.items = convert(value, ctx, depth + 1);
        else ctx.removed.add("items");
        break;
      case "anyOf":
        if (Array.isArray(value)) out.anyOf = anyOfList(value, out, ctx, depth);
        break;
      case "format":
        if (typeof value === "string" && (STRING_FORMATS.has(value) || NUMERIC_FORMATS.has(value))) out.format = value;
        else ctx.removed.add(`format:${String(value)}`);
        break;
      case "enum":
        if (Array.isArray(value) && value.every((v) => typeof v === "string")) out.enum = value;
        else if (Array.isArray(value)) {
          ctx.removed.add("enum(non-string)");
          description = appendAllowed(description, value);
        }
        break;
      case "required":
        if (Array.isArray(value)) out.required = value.filter((r) => typeof r === "string");
        break;
      default:
        out[key] = value;
    }
  }

  if ("const" in schema) {
    const value = schema.const;
    if (typeof value === "string") out.enum = [value];
    else {
      ctx.removed.add("const(non-string)");
      description = appendAllowed(description, [value]);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const list = anyOfList(schema.oneOf, out, ctx, depth);
    out.anyOf = Array.isArray(out.anyOf) ? [...(out.anyOf as unknown[]), ...list] : list;
  }
  if (schema.items === undefined && Array.isArray(schema.prefixItems) && isObject(schema.prefixItems[0])) {
    // A tuple: Gemini has no positional items; the first item's schema is the closest fit.
    ctx.removed.add("prefixItems");
    out.items = convert(schema.prefixItems[0], ctx, depth + 1);
  }
  for (const [exclusive, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    const value = schema[exclusive];
    if (typeof value === "number" && out[bound] === undefined) out[bound] = value;
    else if (value !== undefined) ctx.removed.add(exclusive);
  }
  if (anyOfTypes) {
    const branches = anyOfTypes.map((t) => ({ type: t }));
    out.anyOf = Array.isArray(out.anyOf) ? [...(out.anyOf as unknown[]), ...branches] : branches;
  }
  if (description !== undefined) out.description = description;
  return out;
}

/** anyOf/oneOf branches; a `{type: "null"}` branch becomes `nullable` on the parent. */
function anyOfList(list: unknown[], parent: Json, ctx: Context, depth: number): Json[] {
  const branches: Json[] = [];
  for (const branch of list) {
    if (!isObject(branch)) continue;
    if (branch.type === "null" && Object.keys(branch).length === 1) {
      parent.nullable = true;
      continue;
    }
    branches.push(convert(branch, ctx, depth + 1));
  }
  return branches;
}

function appendAllowed(description: string | undefined, values: unknown[]): string {
  const allowed = `Allowed values: ${values.map((v) => JSON.stringify(v)).join(", ")}`;
  return description ? `${description} (${allowed})` : allowed;
}

/**
 * A JSON Schema → Gemini's Schema subset. `removed` collects the keywords that were dropped
 * (for the caller's conversion note).
 */
export function toGeminiSchema(schema: Record<string, unknown>, removed: Set<string>): Record<string, unknown> {
  const defs: Json = {};
  if (isObject(schema.definitions)) Object.assign(defs, schema.definitions);
  if (isObject(schema.$defs)) Object.assign(defs, schema.$defs);
  return convert(schema, { defs, removed, expanding: new Set() }, 0);
}

/**
 * Gemini's Schema (as a Gemini client sends it in `parameters` / `responseSchema`) → JSON
 * Schema: the type enum names are upper case in Google's docs (`OBJECT`, `STRING`) and
 * `nullable` has no JSON Schema keyword of its own. Everything else is already JSON Schema.
 */
export function fromGeminiSchema(schema: unknown, depth = 0): Record<string, unknown> {
  if (!isObject(schema) || depth > MAX_DEPTH) return {};
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    switch (key) {
      case "type":
        out.type = typeof value === "string" ? value.toLowerCase() : value;
        break;
      case "nullable":
        break;
      case "properties":
        if (isObject(value)) {
          const props: Json = {};
          for (const [name, sub] of Object.entries(value)) props[name] = fromGeminiSchema(sub, depth + 1);
          out.properties = props;
        }
        break;
      case "items":
        out.items = fromGeminiSchema(value, depth + 1);
        break;
      case "anyOf":
        out.anyOf = Array.isArray(value) ? value.map((branch) => fromGeminiSchema(branch, depth + 1)) : value;
        break;
      case "propertyOrdering":
        // Gemini-only hint with no JSON Schema meaning.
        break;
      default:
        out[key] = value;
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: "null" }];
  }
  return out;
}
