import { describe, expect, it } from "vitest";
import { fromGeminiSchema, toGeminiSchema } from "./schema.ts";

describe("toGeminiSchema", () => {
  it("removes the keywords Gemini refuses and reports them", () => {
    const removed = new Set<string>();
    const out = toGeminiSchema(
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        additionalProperties: false,
        properties: {
          path: { type: "string", format: "uri", description: "File path" },
          when: { type: "string", format: "date-time" },
          count: { type: "integer", format: "int32", exclusiveMinimum: 0, multipleOf: 2 },
          tags: { type: "array", items: { type: "string" }, uniqueItems: true },
          meta: { type: "object", patternProperties: { "^x-": { type: "string" } } },
        },
        required: ["path"],
      },
      removed,
    );
    expect(out).toEqual({
      type: "object",
      properties: {
        path: { type: "string", description: "File path" },
        when: { type: "string", format: "date-time" },
        count: { type: "integer", format: "int32", minimum: 0 },
        tags: { type: "array", items: { type: "string" } },
        meta: { type: "object" },
      },
      required: ["path"],
    });
    expect([...removed].sort()).toEqual(["$schema", "additionalProperties", "format:uri", "multipleOf", "patternProperties", "uniqueItems"]);
  });

  it("rewrites nullable type lists, const, oneOf and a null branch", () => {
    const removed = new Set<string>();
    const out = toGeminiSchema(
      {
        type: "object",
        properties: {
          a: { type: ["string", "null"] },
          b: { const: "fixed" },
          c: { oneOf: [{ type: "string" }, { type: "null" }, { type: "integer" }] },
          d: { type: ["string", "number"] },
          e: { enum: [1, 2, 3], type: "integer", description: "Level" },
        },
      },
      removed,
    );
    expect(out.properties).toEqual({
      a: { type: "string", nullable: true },
      b: { enum: ["fixed"] },
      c: { nullable: true, anyOf: [{ type: "string" }, { type: "integer" }] },
      d: { anyOf: [{ type: "string" }, { type: "number" }] },
      e: { type: "integer", description: "Level (Allowed values: 1, 2, 3)" },
    });
    expect(removed).toEqual(new Set(["enum(non-string)"]));
  });

  it("inlines $ref from $defs and definitions, and stops at a recursive reference", () => {
    const removed = new Set<string>();
    const out = toGeminiSchema(
      {
        type: "object",
        $defs: { point: { type: "object", properties: { x: { type: "number" } } } },
        definitions: { node: { type: "object", properties: { child: { $ref: "#/definitions/node" } } } },
        properties: {
          at: { $ref: "#/$defs/point", description: "Where" },
          tree: { $ref: "#/definitions/node" },
        },
      },
      removed,
    );
    expect(out).toEqual({
      type: "object",
      properties: {
        at: { type: "object", properties: { x: { type: "number" } }, description: "Where" },
        tree: { type: "object", properties: { child: { type: "object" } } },
      },
    });
    expect(removed).toEqual(new Set(["$ref"]));
  });

  it("merges allOf object schemas", () => {
    const out = toGeminiSchema(
      {
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
          { properties: { b: { type: "boolean" } }, required: ["b"] },
        ],
      },
      new Set(),
    );
    expect(out).toEqual({ type: "object", properties: { a: { type: "string" }, b: { type: "boolean" } }, required: ["a", "b"] });
  });

  it("keeps a schema Gemini already accepts unchanged", () => {
    const schema = {
      type: "object",
      properties: { q: { type: "string", enum: ["a", "b"], minLength: 1 }, n: { type: "number", minimum: 0, maximum: 1 } },
      required: ["q"],
    };
    const removed = new Set<string>();
    expect(toGeminiSchema(schema, removed)).toEqual(schema);
    expect(removed.size).toBe(0);
  });
});

describe("fromGeminiSchema", () => {
  it("lower-cases Google's type names and turns nullable into a null type", () => {
    expect(
      fromGeminiSchema({
        type: "OBJECT",
        properties: { city: { type: "STRING", nullable: true }, days: { type: "ARRAY", items: { type: "INTEGER" } } },
        required: ["city"],
        propertyOrdering: ["city", "days"],
      }),
    ).toEqual({
      type: "object",
      properties: { city: { type: ["string", "null"] }, days: { type: "array", items: { type: "integer" } } },
      required: ["city"],
    });
  });
});
