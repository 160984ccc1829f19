/** Target type → channel. */
import { dingtalk } from "./dingtalk.ts";
import { feishu } from "./feishu.ts";
import { telegram } from "./telegram.ts";
import type { Channel, TargetType } from "./types.ts";
import { webhook } from "./webhook.ts";
import { wecom } from "./wecom.ts";

export const CHANNELS: Record<TargetType, Channel<Record<string, unknown>>> = {
  wecom: wecom as unknown as Channel<Record<string, unknown>>,
  feishu: feishu as unknown as Channel<Record<string, unknown>>,
  dingtalk: dingtalk as unknown as Channel<Record<string, unknown>>,
  telegram: telegram as unknown as Channel<Record<string, unknown>>,
  webhook: webhook as unknown as Channel<Record<string, unknown>>,
};
