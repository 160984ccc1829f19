/** Fields of the user create/edit dialog (validated by app/forms/user-form.ts). */
import { useI18n } from "~/i18n/use-i18n.ts";
import type { UserRow } from "~/lib/api-types.ts";
import { DateTimeField, SelectField, SwitchField, TextareaField, TextField } from "../form-field.tsx";
import { LimitInputs } from "../limit-inputs.tsx";
import { ClientListFields } from "../access-list-fields.tsx";
import { formatAllowedModels } from "~/forms/model-rules.ts";
import { GroupSuggestions, GROUP_LIST_ID } from "./group-suggestions.tsx";

export function UserFields({ user, groups }: { user?: UserRow; groups: string[] }) {
  const { t } = useI18n();
  return (
    <>
      <TextField name="name" label={t("users.name")} defaultValue={user?.name} required maxLength={100} autoComplete="off" />
      <TextareaField name="description" label={t("common.description")} defaultValue={user?.description} rows={2} className="font-sans" />
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          name="role"
          label={t("users.role")}
          defaultValue={user?.role ?? "user"}
          options={[
            { value: "user", label: t("role.user") },
            { value: "admin", label: t("role.admin") },
          ]}
        />
        <TextField name="providerGroup" label={t("common.providerGroup")} defaultValue={user?.providerGroup ?? ""} list={GROUP_LIST_ID} hint={t("common.providerGroupHint")} />
      </div>
      <TextField name="tags" label={t("users.tags")} defaultValue={user?.tags.join(", ")} hint={t("users.tagsHint")} />
      <DateTimeField name="expiresAt" label={t("common.expiresAt")} defaultValue={user?.expiresAt} hint={t("common.expiresHint")} />
      <SwitchField name="isEnabled" label={t("common.enabled")} defaultChecked={user?.isEnabled ?? true} />
      <details className="rounded-md border p-3" open={!!(user?.allowedModels.length || user?.allowedClients.length || user?.blockedClients.length)}>
        <summary className="cursor-pointer text-sm font-medium">{t("access.title")}</summary>
        <div className="mt-3 grid gap-3">
          <TextareaField
            name="allowedModels"
            label={t("access.allowedModels")}
            defaultValue={user ? formatAllowedModels(user.allowedModels) : ""}
            rows={3}
            hint={t("access.allowedModelsHint")}
          />
          <ClientListFields allowed={user?.allowedClients} blocked={user?.blockedClients} scope="user" />
        </div>
      </details>
      <details className="rounded-md border p-3">
        <summary className="cursor-pointer text-sm font-medium">{t("limits.title")}</summary>
        <div className="mt-3">
          <LimitInputs values={user} />
        </div>
      </details>
      <GroupSuggestions groups={groups} />
    </>
  );
}
