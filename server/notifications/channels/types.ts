/**
 * A channel turns a rendered notification into the one HTTP request its service expects, and
 * reads that service's answer (robots answer 200 with an error code inside). One file per
 * service; registry.ts maps a target type to its channel.
 */
import { z } from "zod";
import type { NotificationEvent } from "../events.ts";
import type { Rendered } from "../messages.ts";
import { refineProblem } from "../../domain/validation-problems.ts";

export const TARGET_TYPES = ["wecom", "feishu", "dingtalk", "telegram", "webhook"] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Verdict {
  ok: boolean;
  /** Worth trying again (the service was busy or broken, not the message or the credentials). */
  retry: boolean;
  /** What went wrong, as the service said it (bounded by the caller). */
  error?: string;
}

export interface Channel<C> {
  type: TargetType;
  /** The config an admin saves (validated at save time: bad URLs and tokens are refused). */
  schema: z.ZodType<C>;
  /** Fields that are credentials: never returned, only masked. */
  secretFields: ReadonlyArray<keyof C & string>;
  /** Fields that are URLs carrying credentials (a robot's key or hook id): shown as scheme and host only. */
  urlFields: ReadonlyArray<keyof C & string>;
  /** The request for one message; `now` is the instant signatures are made for. */
  build(config: C, message: Rendered, event: NotificationEvent, now: number): OutgoingRequest;
  /** Whether the service took the message. */
  verdict(status: number, body: string): Verdict;
}

/** An http(s) URL of bounded length: what every webhook field accepts. */
export const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, refineProblem("notifyUrlInvalid"));

/** A signing secret or token: printable, bounded. */
export const secretString = (min: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(500)
    .refine((value) => /^[\x21-\x7e]+$/.test(value), refineProblem("notifySecretPrintable"));

/** The verdict for the robots that answer {errcode|code: 0} on success. */
export function robotVerdict(status: number, body: string, codeField: "errcode" | "code"): Verdict {
  if (status === 429 || status >= 500) return { ok: false, retry: true, error: `HTTP ${status}` };
  if (status < 200 || status >= 300) return { ok: false, retry: false, error: `HTTP ${status}` };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { ok: false, retry: false, error: "answer is not JSON" };
  }
  const code = parsed[codeField] ?? parsed.StatusCode;
  if (code === 0 || code === undefined) return { ok: true, retry: false };
  const message = String(parsed.errmsg ?? parsed.msg ?? parsed.StatusMessage ?? "");
  return { ok: false, retry: false, error: `${codeField} ${String(code)}: ${message}` };
}

/** Title and lines as Markdown (the robots' markdown message types). */
export function markdown(message: Rendered): string {
  return [`**${message.title}**`, ...message.lines].join("\n\n");
}

export function plainText(message: Rendered): string {
  return [message.title, ...message.lines].join("\n");
}
