/**
 * Telegram bot: POST <api>/bot<token>/sendMessage with {chat_id, text}; it answers
 * {"ok":true,...}, or {"ok":false,"error_code":…,"description":…}. The bot token is the credential.
 * `apiUrl` is Telegram's API unless the admin runs a local Bot API server.
 */
import { z } from "zod";
import { refineProblem } from "../../domain/validation-problems.ts";
import { plainText, webhookUrl, type Channel, type Verdict } from "./types.ts";

const schema = z
  .object({
    // refine rather than regex: only a custom issue carries the code the dashboard translates.
    botToken: z
      .string()
      .trim()
      .max(200)
      .refine((token) => /^\d{1,20}:[A-Za-z0-9_-]{20,150}$/.test(token), refineProblem("notifyBotTokenFormat")),
    chatId: z
      .string()
      .trim()
      .max(100)
      .refine((id) => /^(-?\d{1,20}|@[A-Za-z0-9_]{4,64})$/.test(id), refineProblem("notifyChatIdFormat")),
    apiUrl: webhookUrl.default("https://api.telegram.org"),
  })
  .strict();
export type TelegramConfig = z.infer<typeof schema>;

export const telegram: Channel<TelegramConfig> = {
  type: "telegram",
  schema,
  secretFields: ["botToken"],
  urlFields: [],
  build(config, message) {
    const base = config.apiUrl.replace(/\/+$/, "");
    return {
      url: `${base}/bot${config.botToken}/sendMessage`,
      headers: { "content-type": "application/json" },
      // Plain text: Telegram's Markdown refuses the whole message over one unbalanced "_" in a name.
      body: JSON.stringify({ chat_id: config.chatId, text: plainText(message).slice(0, 4096), disable_web_page_preview: true }),
    };
  },
  verdict(status, body): Verdict {
    let parsed: { ok?: boolean; description?: string } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // an HTML error page from a proxy: judged by the status below
    }
    if (status >= 200 && status < 300 && parsed.ok === true) return { ok: true, retry: false };
    return { ok: false, retry: status === 429 || status >= 500, error: `HTTP ${status}${parsed.description ? `: ${parsed.description}` : ""}` };
  },
};
