/** Client allow / block list inputs, shared by the user and provider dialogs. */
import { useI18n } from "~/i18n/use-i18n.ts";
import { TextareaField } from "./form-field.tsx";

export function ClientListFields({ allowed, blocked, scope }: { allowed?: string[]; blocked?: string[]; scope: "user" | "provider" }) {
  const { t } = useI18n();
  return (
    <>
      <TextareaField name="allowedClients" label={t("access.allowedClients")} defaultValue={allowed?.join("\n") ?? ""} rows={2} hint={t("access.clientsHint")} />
      <TextareaField
        name="blockedClients"
        label={t("access.blockedClients")}
        defaultValue={blocked?.join("\n") ?? ""}
        rows={2}
        hint={t(scope === "user" ? "access.userClientsEffect" : "access.providerClientsEffect")}
      />
    </>
  );
}
