/**
 * The fields of a notification target: name, type, the type's config (URL, signing secret, bot
 * token, chat id) and the events it receives. On edit, secrets are shown masked as the hub
 * returns them; leaving a masked value as it is keeps the stored secret.
 */
import { useState } from "react";
import { SelectField, SwitchField, TextField } from "~/components/form-field.tsx";
import { CONFIG_FIELDS, EVENT_NAMES, eventField, TARGET_TYPES, type EventName, type TargetType } from "~/forms/notification-form.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { NotificationTargetRow } from "~/lib/api-types.ts";

export const TYPE_LABEL = {
  wecom: "notifications.typeWecom",
  feishu: "notifications.typeFeishu",
  dingtalk: "notifications.typeDingtalk",
  telegram: "notifications.typeTelegram",
  webhook: "notifications.typeWebhook",
} as const satisfies Record<TargetType, MessageKey>;

export const EVENT_LABEL = {
  "provider.breaker_opened": "notifications.eventBreakerOpened",
  "provider.breaker_closed": "notifications.eventBreakerClosed",
  "quota.alert": "notifications.eventQuotaAlert",
  "leaderboard.daily": "notifications.eventLeaderboard",
  "system.database_unreachable": "notifications.eventDatabaseUnreachable",
  "system.log_spool_growing": "notifications.eventSpoolGrowing",
  "system.price_sync_failed": "notifications.eventPriceSyncFailed",
  "system.store_unreachable": "notifications.eventStoreUnreachable",
  "system.unpriced_model": "notifications.eventUnpricedModel",
} as const satisfies Record<EventName, MessageKey>;

const FIELD_LABEL = {
  url: "notifications.fieldUrl",
  secret: "notifications.fieldSecret",
  botToken: "notifications.fieldBotToken",
  chatId: "notifications.fieldChatId",
  apiUrl: "notifications.fieldApiUrl",
} as const satisfies Record<string, MessageKey>;

const FIELD_HINT: Partial<Record<TargetType, Partial<Record<string, MessageKey>>>> = {
  wecom: { url: "notifications.hintWecomUrl" },
  feishu: { secret: "notifications.hintFeishuSecret" },
  dingtalk: { secret: "notifications.hintDingtalkSecret" },
  telegram: { apiUrl: "notifications.hintTelegramApi" },
  webhook: { secret: "notifications.hintWebhookSecret" },
};

export function TargetFields({ target }: { target?: NotificationTargetRow }) {
  const { t } = useI18n();
  const [type, setType] = useState<TargetType>(target?.type ?? "wecom");
  // The stored (masked) config only belongs to the stored type.
  const config = target && target.type === type ? target.config : {};
  return (
    <>
      <div className="grid grid-cols-2 gap-3">
        <TextField name="name" label={t("notifications.name")} defaultValue={target?.name} maxLength={100} required />
        <SelectField
          name="type"
          label={t("notifications.type")}
          value={type}
          onValueChange={(value) => setType(value as TargetType)}
          options={TARGET_TYPES.map((value) => ({ value, label: t(TYPE_LABEL[value]) }))}
        />
      </div>
      {CONFIG_FIELDS[type].map((field) => {
        const hint = FIELD_HINT[type]?.[field];
        return (
          <TextField
            key={`${type}-${field}`}
            name={field}
            label={t(FIELD_LABEL[field])}
            defaultValue={config[field] ?? (field === "apiUrl" ? "https://api.telegram.org" : "")}
            autoComplete="off"
            spellCheck={false}
            hint={hint ? t(hint) : target && config[field] === "****" ? t("notifications.hintKeepSecret") : undefined}
          />
        );
      })}
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">{t("notifications.events")}</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {EVENT_NAMES.map((event) => (
            <label key={event} className="flex items-center gap-2 text-sm">
              <input type="checkbox" className="h-4 w-4 accent-primary" name={eventField(event)} defaultChecked={target ? target.events.includes(event) : event.startsWith("provider.")} />
              {t(EVENT_LABEL[event])}
            </label>
          ))}
        </div>
      </fieldset>
      <SwitchField name="isEnabled" label={t("common.enabled")} defaultChecked={target?.isEnabled ?? true} />
    </>
  );
}
