/**
 * WeCom (企业微信) group robot: POST the robot's webhook URL (…/cgi-bin/webhook/send?key=…) with
 * a markdown message; it answers {"errcode":0,"errmsg":"ok"}. The key in the URL is the credential.
 */
import { z } from "zod";
import { markdown, robotVerdict, webhookUrl, type Channel } from "./types.ts";

const schema = z.object({ url: webhookUrl }).strict();
export type WecomConfig = z.infer<typeof schema>;

export const wecom: Channel<WecomConfig> = {
  type: "wecom",
  schema,
  secretFields: [],
  urlFields: ["url"],
  build(config, message) {
    return {
      url: config.url,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ msgtype: "markdown", markdown: { content: markdown(message) } }),
    };
  },
  verdict: (status, body) => robotVerdict(status, body, "errcode"),
};
