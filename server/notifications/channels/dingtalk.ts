/**
 * DingTalk (钉钉) custom robot: POST …/robot/send?access_token=… with a markdown message; it
 * answers {"errcode":0,"errmsg":"ok"}. With "加签" on, the URL also carries `timestamp`
 * (milliseconds) and `sign` = urlencode(base64(HMAC-SHA256 with key <secret> over
 * "<timestamp>\n<secret>")), as DingTalk specifies.
 */
import { createHmac } from "node:crypto";
import { z } from "zod";
import { markdown, robotVerdict, secretString, webhookUrl, type Channel } from "./types.ts";

const schema = z.object({ url: webhookUrl, secret: secretString(1).optional() }).strict();
export type DingtalkConfig = z.infer<typeof schema>;

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

export const dingtalk: Channel<DingtalkConfig> = {
  type: "dingtalk",
  schema,
  secretFields: ["secret"],
  urlFields: ["url"],
  build(config, message, _event, now) {
    const url = new URL(config.url);
    if (config.secret) {
      url.searchParams.set("timestamp", String(now));
      url.searchParams.set("sign", dingtalkSign(config.secret, now)); // URLSearchParams does the urlencoding
    }
    return {
      url: url.toString(),
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ msgtype: "markdown", markdown: { title: message.title.slice(0, 100), text: markdown(message) } }),
    };
  },
  verdict: (status, body) => robotVerdict(status, body, "errcode"),
};
