/**
 * Media in Chat content parts: `image_url.url` and `file.file_data` carry either a data URL
 * (`data:<type>;base64,<data>`) or, for images, a web address. The neutral model keeps the
 * base64 payload and its media type apart, so the two are split here and joined again on the
 * way out.
 */
import type { MediaSource } from "../neutral.ts";

/** A data URL → base64 source; undefined when `url` is not a data URL. */
export function dataUrlSource(url: string): Extract<MediaSource, { kind: "base64" }> | undefined {
  if (!url.startsWith("data:")) return undefined;
  const comma = url.indexOf(",");
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  const payload = url.slice(comma + 1);
  const params = meta.split(";");
  const mediaType = params[0] || "application/octet-stream";
  if (params.includes("base64")) return { kind: "base64", mediaType, data: payload };
  // A percent-encoded data URL (rare, e.g. an SVG): the neutral model only holds base64.
  let bytes: string;
  try {
    bytes = decodeURIComponent(payload);
  } catch {
    return undefined;
  }
  return { kind: "base64", mediaType, data: Buffer.from(bytes, "utf8").toString("base64") };
}

/** A base64 source → a data URL. */
export function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
