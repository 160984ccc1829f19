/**
 * Message content parts of the Responses API ⇄ neutral text / image / document parts, shared by
 * message items and function_call_output items (whose `output` may be a list of the same parts).
 */
import type { DocumentPart, ImagePart, MediaSource, TextPart } from "../neutral.ts";
import { InvalidRequestBody, UnsupportedFeature } from "../types.ts";

type Raw = Record<string, unknown>;

export function isObject(value: unknown): value is Raw {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

export function invalid(path: string, message: string): never {
  throw new InvalidRequestBody(`${path}: ${message}`);
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== "string") invalid(path, "must be a string");
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return stringAt(value, path);
}

const DATA_URL = /^data:([^;,]+)?(?:;[^,]*)?;base64,/;

/** A `data:<type>;base64,<data>` URL as a base64 source, anything else as a URL source. */
export function sourceFromUrl(url: string): MediaSource {
  const match = DATA_URL.exec(url);
  if (match) return { kind: "base64", mediaType: match[1] ?? "application/octet-stream", data: url.slice(match[0].length) };
  return { kind: "url", url };
}

/** A media type guessed from a file name, for input_file data sent without a data: prefix. */
function mediaTypeOf(filename: string | undefined): string {
  const ext = filename?.toLowerCase().split(".").pop();
  if (ext === "txt" || ext === "md") return "text/plain";
  if (ext === "json") return "application/json";
  if (ext === "csv") return "text/csv";
  return "application/pdf";
}

export type ContentPart = TextPart | ImagePart | DocumentPart;

/** One user-side content part (input_text, input_image, input_file; output_text and refusal as text). */
export function decodeContentPart(raw: unknown, path: string): ContentPart {
  if (!isObject(raw)) invalid(path, "must be an object");
  switch (raw.type) {
    case "input_text":
    case "output_text":
    case "text":
      return { type: "text", text: stringAt(raw.text, `${path}.text`) };
    case "refusal":
      return { type: "text", text: stringAt(raw.refusal, `${path}.refusal`) };
    case "input_image": {
      const url = optionalString(raw.image_url, `${path}.image_url`);
      const fileId = optionalString(raw.file_id, `${path}.file_id`);
      const source: MediaSource | undefined = url ? sourceFromUrl(url) : fileId ? { kind: "file", fileId } : undefined;
      if (!source) invalid(path, "an input_image needs image_url or file_id");
      const part: ImagePart = { type: "image", source };
      const detail = optionalString(raw.detail, `${path}.detail`);
      if (detail) part.detail = detail;
      return part;
    }
    case "input_file": {
      const filename = optionalString(raw.filename, `${path}.filename`);
      const data = optionalString(raw.file_data, `${path}.file_data`);
      const url = optionalString(raw.file_url, `${path}.file_url`);
      const fileId = optionalString(raw.file_id, `${path}.file_id`);
      let source: MediaSource;
      if (data !== undefined) {
        source = data.startsWith("data:") ? sourceFromUrl(data) : { kind: "base64", mediaType: mediaTypeOf(filename), data };
      } else if (url) {
        source = { kind: "url", url };
      } else if (fileId) {
        source = { kind: "file", fileId };
      } else {
        invalid(path, "an input_file needs file_data, file_url or file_id");
      }
      const part: DocumentPart = { type: "document", source };
      if (filename) part.filename = filename;
      return part;
    }
    default:
      // input_audio and anything newer: no other format can be given it faithfully.
      return invalid(`${path}.type`, `content part type ${JSON.stringify(raw.type)} cannot be converted to another format`);
  }
}

/** A neutral user-side part as a Responses input content part. */
export function encodeInputPart(part: ContentPart, notes: Set<string>): Raw {
  if (part.cache) notes.add("cache_control: openai-responses has no cache breakpoints");
  if (part.type === "text") return { type: "input_text", text: part.text };
  if (part.type === "image") {
    const image: Raw = { type: "input_image", detail: part.detail ?? "auto" };
    const source = part.source;
    if (source.kind === "base64") image.image_url = `data:${source.mediaType};base64,${source.data}`;
    else if (source.kind === "url") image.image_url = source.url;
    else if (source.kind === "file") image.file_id = source.fileId;
    else throw new UnsupportedFeature("an image given as text", "openai-responses");
    return image;
  }
  const source = part.source;
  if (source.kind === "text") {
    // A plain-text document is read as text; its title, if any, heads it so the model still sees it.
    if (part.title) notes.add("document title: sent as the first line of the document's text");
    return { type: "input_text", text: part.title ? `${part.title}\n\n${source.text}` : source.text };
  }
  const file: Raw = { type: "input_file" };
  if (source.kind === "base64") {
    file.file_data = `data:${source.mediaType};base64,${source.data}`;
    // OpenAI requires a filename with inline file data.
    file.filename = part.filename ?? part.title ?? (source.mediaType === "application/pdf" ? "document.pdf" : "document");
  } else if (source.kind === "url") {
    file.file_url = source.url;
  } else {
    file.file_id = source.fileId;
  }
  if (source.kind !== "base64" && part.filename) file.filename = part.filename;
  return file;
}
