/**
 * Feishu (飞书) custom bot: POST the hook URL (…/open-apis/bot/v2/hook/<id>) with a text
 * message; it answers {"code":0,...}. With signature verification on, the body carries
 * `timestamp` (seconds) and `sign` = base64(HMAC-SHA256 with key "<timestamp>\n<secret>" over
 * an empty message), as Feishu specifies.
 */
import { createHmac } from "node:crypto";
import { z } from "zod";
import { plainText, robotVerdict, secretString, webhookUrl, type Channel } from "./types.ts";

const schema = z.object({ url: webhookUrl, secret: secretString(1).optional() }).strict();
export type FeishuConfig = z.infer<typeof schema>;

export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update("").digest("base64");
}

export const feishu: Channel<FeishuConfig> = {
  type: "feishu",
  schema,
  secretFields: ["secret"],
  urlFields: ["url"],
  build(config, message, _event, now) {
    const timestamp = Math.floor(now / 1000);
    const signed = config.secret ? { timestamp: String(timestamp), sign: feishuSign(config.secret, timestamp) } : {};
    return {
      url: config.url,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...signed, msg_type: "text", content: { text: plainText(message) } }),
    };
  },
  verdict: (status, body) => robotVerdict(status, body, "code"),
};
