/**
 * Decompresses a response body whose upstream ignored `accept-encoding: identity`, so the usage
 * tap reads plain bytes and the client gets a body that matches the headers it receives
 * (content-encoding is dropped). Backpressure crosses the decoder: write() returns false while
 * the decoder's buffer is full, and output is paused while the consumer cannot take it.
 */
import zlib from "node:zlib";
import type { Transform } from "node:stream";

export interface Decoder {
  /** Feeds compressed bytes; false = pause the upstream until `onDrain`. */
  write(chunk: Buffer): boolean;
  end(): void;
  destroy(): void;
}

export function decoderFor(encoding: string | undefined): ((sink: DecoderSink) => Decoder) | undefined {
  const e = (encoding ?? "").trim().toLowerCase();
  const make: (() => Transform) | undefined =
    e === "gzip" || e === "x-gzip"
      ? () => zlib.createGunzip()
      : e === "deflate"
        ? () => zlib.createInflate()
        : e === "br"
          ? () => zlib.createBrotliDecompress()
          : undefined;
  if (!make) return undefined;
  return (sink) => createDecoder(make(), sink);
}

export interface DecoderSink {
  /** A decompressed chunk; false = the consumer needs a pause (call resume later). */
  onData(chunk: Buffer, resume: () => void): boolean;
  onEnd(): void;
  onError(error: Error): void;
  /** The decoder can take more compressed input. */
  onDrain(): void;
}

function createDecoder(stream: Transform, sink: DecoderSink): Decoder {
  let failed = false;
  stream.on("data", (chunk: Buffer) => {
    if (!sink.onData(chunk, () => stream.resume())) stream.pause();
  });
  stream.on("end", () => sink.onEnd());
  stream.on("error", (error) => {
    if (failed) return;
    failed = true;
    sink.onError(new Error(`the upstream's compressed body is corrupt: ${error.message}`));
  });
  stream.on("drain", () => sink.onDrain());
  return {
    write: (chunk) => stream.write(chunk),
    end: () => stream.end(),
    destroy: () => stream.destroy(),
  };
}
