/**
 * A generic webhook, signed so the receiver can tell the hub sent it (decision 0022):
 *
 *   POST <url>
 *   content-type: application/json
 *   x-cch-event: <event name>          x-cch-delivery: <notification id>
 *   x-cch-timestamp: <unix seconds>
 *   x-cch-signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 *   {"event","id","occurredAt","title","text","data"}
 *
 * The receiver recomputes the HMAC over the timestamp and the raw body it received, compares
 * in constant time, and refuses timestamps older than a few minutes (replays). Any 2xx is success.
 */
import { createHmac } from "node:crypto";
import { z } from "zod";
import { plainText, secretString, webhookUrl, type Channel } from "./types.ts";

const schema = z.object({ url: webhookUrl, secret: secretString(16) }).strict();
export type WebhookConfig = z.infer<typeof schema>;

export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")}`;
}

export const webhook: Channel<WebhookConfig> = {
  type: "webhook",
  schema,
  secretFields: ["secret"],
  urlFields: ["url"],
  build(config, message, event, now) {
    const timestamp = Math.floor(now / 1000);
    const body = JSON.stringify({
      event: event.name,
      id: event.key,
      occurredAt: new Date(event.at).toISOString(),
      title: message.title,
      text: plainText(message),
      data: event.data,
    });
    return {
      url: config.url,
      headers: {
        "content-type": "application/json",
        "x-cch-event": event.name,
        "x-cch-delivery": event.key,
        "x-cch-timestamp": String(timestamp),
        "x-cch-signature": webhookSignature(config.secret, timestamp, body),
      },
      body,
    };
  },
  verdict(status) {
    if (status >= 200 && status < 300) return { ok: true, retry: false };
    return { ok: false, retry: status === 408 || status === 429 || status >= 500, error: `HTTP ${status}` };
  },
};
