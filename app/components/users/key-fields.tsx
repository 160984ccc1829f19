/** Fields of the API key create/edit dialogs (validated by app/forms/key-form.ts). */
import { CACHE_TTL_PREFERENCES } from "~/forms/key-form.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { KeyRow } from "~/lib/api-types.ts";
import { DateTimeField, SelectField, SwitchField, TextField } from "../form-field.tsx";
import { LimitInputs } from "../limit-inputs.tsx";
import { GroupSuggestions, GROUP_LIST_ID } from "./group-suggestions.tsx";

export function KeyFields({ keyRow, groups }: { keyRow?: KeyRow; groups: string[] }) {
  const { t } = useI18n();
  return (
    <>
      <TextField name="name" label={t("keys.name")} defaultValue={keyRow?.name} required maxLength={100} autoComplete="off" />
      <DateTimeField name="expiresAt" label={t("common.expiresAt")} defaultValue={keyRow?.expiresAt} hint={t("common.expiresHint")} />
      <SwitchField name="canLoginWebUi" label={t("keys.canLoginWebUi")} hint={t("keys.canLoginWebUiHint")} defaultChecked={keyRow?.canLoginWebUi ?? false} />
      <div className="grid grid-cols-2 gap-3">
        <TextField name="providerGroup" label={t("common.providerGroup")} defaultValue={keyRow?.providerGroup ?? ""} list={GROUP_LIST_ID} hint={t("keys.providerGroupHint")} />
        <SelectField
          name="cacheTtlPreference"
          label={t("keys.cacheTtl")}
          defaultValue={keyRow?.cacheTtlPreference ?? "inherit"}
          options={CACHE_TTL_PREFERENCES.map((value) => ({ value, label: value === "inherit" ? t("keys.cacheTtlInherit") : value }))}
        />
      </div>
      <details className="rounded-md border p-3">
        <summary className="cursor-pointer text-sm font-medium">{t("limits.title")}</summary>
        <div className="mt-3">
          <LimitInputs values={keyRow} hint={t("limits.keyHint")} />
        </div>
      </details>
      <GroupSuggestions groups={groups} />
    </>
  );
}
