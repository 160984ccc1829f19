/**
 * Anthropic content blocks ⇄ neutral parts, shared by the request codec (message history) and
 * the response codec (the model's answer). Decoding validates the shapes a client sent (a
 * malformed block is an InvalidRequestBody naming where it is); encoding builds the blocks an
 * Anthropic upstream accepts, dropping or refusing what it cannot take.
 */
import type { CacheBreakpoint, DocumentPart, ImagePart, MediaSource, Part, TextPart, ThinkingPart, ToolCallPart, ToolResultPart } from "../neutral.ts";
import { InvalidRequestBody, UnsupportedFeature, type ConversionNotes } from "../types.ts";
import { readCarried } from "./carried.ts";

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Adds a note once (the same drop for many blocks is one note). */
export function note(notes: ConversionNotes, text: string): void {
  if (!notes.dropped.includes(text)) notes.dropped.push(text);
}

// ---------------------------------------------------------------------------------------------
// Decoding (client request → neutral)
// ---------------------------------------------------------------------------------------------

/** A client's value quoted in an error message, bounded (errors are logged). */
function shown(value: unknown): string {
  return String(value).slice(0, 64);
}

function str(value: unknown, where: string): string {
  if (typeof value !== "string") throw new InvalidRequestBody(`${where}: must be a string`);
  return value;
}

export function decodeCache(block: Json, where: string): CacheBreakpoint | undefined {
  const control = block.cache_control;
  if (control === undefined || control === null) return undefined;
  if (!isObject(control) || control.type !== "ephemeral") throw new InvalidRequestBody(`${where}.cache_control: must be {"type":"ephemeral"}`);
  if (control.ttl === undefined || control.ttl === null) return {};
  if (control.ttl !== "5m" && control.ttl !== "1h") throw new InvalidRequestBody(`${where}.cache_control.ttl: must be "5m" or "1h"`);
  return { ttl: control.ttl };
}

/** Sets `cache` on a part only when the block had a breakpoint (so parts compare with toEqual). */
function withCache<T extends { cache?: CacheBreakpoint }>(part: T, cache: CacheBreakpoint | undefined): T {
  if (cache) part.cache = cache;
  return part;
}

export function decodeTextBlock(block: Json, where: string): TextPart {
  return withCache<TextPart>({ type: "text", text: str(block.text, `${where}.text`) }, decodeCache(block, where));
}

function decodeImage(block: Json, where: string): ImagePart {
  const source = block.source;
  if (!isObject(source)) throw new InvalidRequestBody(`${where}.source: must be an object`);
  let media: MediaSource;
  if (source.type === "base64") {
    media = { kind: "base64", mediaType: str(source.media_type, `${where}.source.media_type`), data: str(source.data, `${where}.source.data`) };
  } else if (source.type === "url") {
    media = { kind: "url", url: str(source.url, `${where}.source.url`) };
  } else if (source.type === "file") {
    media = { kind: "file", fileId: str(source.file_id, `${where}.source.file_id`) };
  } else {
    throw new InvalidRequestBody(`${where}.source.type: must be "base64", "url" or "file"`);
  }
  return withCache<ImagePart>({ type: "image", source: media }, decodeCache(block, where));
}

function decodeDocument(block: Json, where: string): DocumentPart {
  const source = block.source;
  if (!isObject(source)) throw new InvalidRequestBody(`${where}.source: must be an object`);
  let media: MediaSource;
  switch (source.type) {
    case "base64":
      media = { kind: "base64", mediaType: str(source.media_type, `${where}.source.media_type`), data: str(source.data, `${where}.source.data`) };
      break;
    case "url":
      // Anthropic's URL documents are PDFs (URLPDFSource).
      media = { kind: "url", url: str(source.url, `${where}.source.url`), mediaType: "application/pdf" };
      break;
    case "text":
      media = { kind: "text", text: str(source.data, `${where}.source.data`), mediaType: "text/plain" };
      break;
    case "file":
      media = { kind: "file", fileId: str(source.file_id, `${where}.source.file_id`) };
      break;
    case "content": {
      // A "custom content" document: its text blocks are the document's text. Images inside a
      // document have no neutral form (and no other format has them).
      const content = source.content;
      let text: string;
      if (typeof content === "string") text = content;
      else if (Array.isArray(content)) {
        text = content
          .map((item, i) => {
            if (!isObject(item) || item.type !== "text") throw new InvalidRequestBody(`${where}.source.content[${i}]: only text blocks can be converted to another format`);
            return str(item.text, `${where}.source.content[${i}].text`);
          })
          .join("\n\n");
      } else throw new InvalidRequestBody(`${where}.source.content: must be a string or an array`);
      media = { kind: "text", text, mediaType: "text/plain" };
      break;
    }
    default:
      throw new InvalidRequestBody(`${where}.source.type: must be "base64", "url", "text", "content" or "file"`);
  }
  const part: DocumentPart = { type: "document", source: media };
  if (typeof block.title === "string") part.title = block.title;
  return withCache(part, decodeCache(block, where));
}

function decodeToolResultContent(content: unknown, where: string): ToolResultPart["content"] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new InvalidRequestBody(`${where}: must be a string or an array of blocks`);
  const parts: ToolResultPart["content"] = [];
  content.forEach((item, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(item)) throw new InvalidRequestBody(`${at}: must be an object`);
    switch (item.type) {
      case "text":
        parts.push(decodeTextBlock(item, at));
        break;
      case "image":
        parts.push(decodeImage(item, at));
        break;
      case "document":
        parts.push(decodeDocument(item, at));
        break;
      case "tool_reference":
        // Tool search results name tools that conversion defines anyway.
        break;
      default:
        throw new InvalidRequestBody(`${at}.type: "${shown(item.type)}" in a tool result cannot be converted to another format`);
    }
  });
  return parts;
}

/** Anthropic's tool search: plumbing that loads deferred tools, which conversion sends up front. */
export const TOOL_SEARCH_NAMES: ReadonlySet<string> = new Set(["tool_search_tool_regex", "tool_search_tool_bm25"]);

/**
 * The content of one request message. `toolNames` maps tool_use ids seen so far to their names
 * (Gemini keys tool results by name), and learns the ids of this message's tool_use blocks.
 */
export function decodeContent(content: unknown, where: string, toolNames: Map<string, string>): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new InvalidRequestBody(`${where}: must be a string or an array of content blocks`);
  const parts: Part[] = [];
  content.forEach((block, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(block)) throw new InvalidRequestBody(`${at}: must be an object`);
    switch (block.type) {
      case "text":
        parts.push(decodeTextBlock(block, at));
        break;
      case "image":
        parts.push(decodeImage(block, at));
        break;
      case "document":
        parts.push(decodeDocument(block, at));
        break;
      case "thinking": {
        const text = str(block.thinking, `${at}.thinking`);
        const signature = typeof block.signature === "string" ? block.signature : "";
        const carried = readCarried(signature);
        if (carried?.kind === "call") {
          // A Gemini tool call's signature, carried after its tool_use (see carried.ts).
          const call = parts.findLast((p) => p.type === "tool_call");
          if (call && call.type === "tool_call") call.signature = carried.signature;
          break;
        }
        if (carried) {
          const part: ThinkingPart = { type: "thinking", text, origin: carried.origin };
          if (carried.signature !== undefined) part.signature = carried.signature;
          if (carried.encrypted !== undefined) part.encrypted = carried.encrypted;
          if (carried.itemId !== undefined) part.itemId = carried.itemId;
          parts.push(part);
          break;
        }
        const part: ThinkingPart = { type: "thinking", text, origin: "claude" };
        // Reasoning shown without a token comes back with an empty signature: that is none.
        if (signature !== "") part.signature = signature;
        parts.push(part);
        break;
      }
      case "redacted_thinking":
        parts.push({ type: "thinking", text: "", redacted: str(block.data, `${at}.data`), origin: "claude" });
        break;
      case "tool_use": {
        const id = str(block.id, `${at}.id`);
        const name = str(block.name, `${at}.name`);
        if (!isObject(block.input)) throw new InvalidRequestBody(`${at}.input: must be an object`);
        toolNames.set(id, name);
        parts.push(withCache<ToolCallPart>({ type: "tool_call", id, name, input: block.input }, decodeCache(block, at)));
        break;
      }
      case "tool_result": {
        const callId = str(block.tool_use_id, `${at}.tool_use_id`);
        const part: ToolResultPart = { type: "tool_result", callId, content: decodeToolResultContent(block.content, `${at}.content`) };
        const name = toolNames.get(callId);
        if (name !== undefined) part.name = name;
        if (block.is_error === true) part.isError = true;
        parts.push(withCache(part, decodeCache(block, at)));
        break;
      }
      case "server_tool_use":
      case "tool_search_tool_result":
        // Tool search's call and result only load deferred tools, which conversion defines up
        // front (decodeTool): nothing the answer depends on. Other server tools' calls are
        // refused with their results below.
        if (block.type === "tool_search_tool_result" || TOOL_SEARCH_NAMES.has(String(block.name))) break;
        throw new InvalidRequestBody(`${at}.type: content blocks of type "server_tool_use" cannot be converted to another format`);
      default:
        // web_search_tool_result, code_execution_tool_result, container_upload…: results of
        // Anthropic's own server-side tools, which no other format can replay.
        throw new InvalidRequestBody(`${at}.type: content blocks of type "${shown(block.type)}" cannot be converted to another format`);
    }
  });
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Encoding (neutral → Anthropic blocks)
// ---------------------------------------------------------------------------------------------

export const CLAUDE_IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

export function encodeCache(cache: CacheBreakpoint | undefined): Json | undefined {
  if (!cache) return undefined;
  return cache.ttl ? { type: "ephemeral", ttl: cache.ttl } : { type: "ephemeral" };
}

function withCacheControl(block: Json, cache: CacheBreakpoint | undefined): Json {
  const control = encodeCache(cache);
  if (control) block.cache_control = control;
  return block;
}

export function encodeText(part: TextPart): Json {
  return withCacheControl({ type: "text", text: part.text }, part.cache);
}

function encodeImage(part: ImagePart, notes: ConversionNotes): Json {
  const source = part.source;
  if (part.detail !== undefined) note(notes, "image detail: Anthropic has no detail setting");
  let encoded: Json;
  if (source.kind === "base64") {
    if (!CLAUDE_IMAGE_TYPES.has(source.mediaType)) throw new UnsupportedFeature(`image type ${source.mediaType.slice(0, 64)}`, "claude");
    encoded = { type: "base64", media_type: source.mediaType, data: source.data };
  } else if (source.kind === "url") {
    encoded = { type: "url", url: source.url };
  } else if (source.kind === "file") {
    // A file id names a file stored at another vendor; Anthropic cannot read it.
    throw new UnsupportedFeature("an image given as another vendor's file id", "claude");
  } else {
    throw new UnsupportedFeature("an image given as text", "claude");
  }
  return withCacheControl({ type: "image", source: encoded }, part.cache);
}

function encodeDocument(part: DocumentPart): Json {
  const source = part.source;
  let encoded: Json;
  if (source.kind === "base64") {
    if (source.mediaType === "application/pdf") encoded = { type: "base64", media_type: "application/pdf", data: source.data };
    else if (source.mediaType.startsWith("text/")) encoded = { type: "text", media_type: "text/plain", data: Buffer.from(source.data, "base64").toString("utf8") };
    else throw new UnsupportedFeature(`a document of type ${source.mediaType.slice(0, 64)}`, "claude");
  } else if (source.kind === "url") {
    if (source.mediaType !== undefined && source.mediaType !== "application/pdf") throw new UnsupportedFeature(`a document URL of type ${source.mediaType.slice(0, 64)}`, "claude");
    encoded = { type: "url", url: source.url };
  } else if (source.kind === "text") {
    encoded = { type: "text", media_type: "text/plain", data: source.text };
  } else {
    throw new UnsupportedFeature("a document given as another vendor's file id", "claude");
  }
  const block: Json = { type: "document", source: encoded };
  const title = part.title ?? part.filename;
  if (title !== undefined) block.title = title;
  return withCacheControl(block, part.cache);
}

/**
 * Anthropic tool_use ids must match ^[a-zA-Z0-9_-]+$; other vendors' ids may not (e.g.
 * "functions.get_weather:0"). The same mapping is applied to a call and to its result, so the
 * pair still matches.
 */
export function claudeToolId(id: string): string {
  const clean = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  return clean === "" ? "toolu_" : clean;
}

/** Content of a tool_result: a plain string when it is one uncached text, else blocks. */
function encodeToolResultContent(content: ToolResultPart["content"], notes: ConversionNotes): string | Json[] | undefined {
  const kept = content.filter((p) => p.type !== "text" || p.text !== "");
  if (kept.length === 0) return undefined;
  if (kept.length === 1 && kept[0].type === "text" && !kept[0].cache) return kept[0].text;
  return kept.map((p) => (p.type === "text" ? encodeText(p) : p.type === "image" ? encodeImage(p, notes) : encodeDocument(p)));
}

/**
 * One neutral part as an Anthropic request block, or undefined when it is dropped (with a note).
 * Thinking is kept only when it came from Anthropic with its signature: Anthropic verifies
 * signatures and refuses unsigned or foreign reasoning.
 */
export function encodePart(part: Part, notes: ConversionNotes): Json | undefined {
  switch (part.type) {
    case "text":
      if (part.text === "") {
        note(notes, "empty text blocks: Anthropic refuses them");
        return undefined;
      }
      return encodeText(part);
    case "image":
      return encodeImage(part, notes);
    case "document":
      return encodeDocument(part);
    case "thinking":
      if (part.origin === "claude" && part.redacted !== undefined) return { type: "redacted_thinking", data: part.redacted };
      if (part.origin === "claude" && part.signature) return { type: "thinking", thinking: part.text, signature: part.signature };
      note(notes, part.origin === "claude" ? "unsigned thinking: Anthropic accepts only reasoning it signed" : `thinking from ${part.origin ?? "another format"}: Anthropic accepts only reasoning it signed`);
      return undefined;
    case "tool_call":
      return withCacheControl({ type: "tool_use", id: claudeToolId(part.id), name: part.name, input: part.input }, part.cache);
    case "tool_result": {
      const block: Json = { type: "tool_result", tool_use_id: claudeToolId(part.callId) };
      const content = encodeToolResultContent(part.content, notes);
      if (content !== undefined) block.content = content;
      if (part.isError) block.is_error = true;
      return withCacheControl(block, part.cache);
    }
  }
}
