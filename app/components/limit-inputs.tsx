/** The quota inputs users, keys and providers share: every limit field of the hub. */
import { LIMIT_FIELDS, type LimitFieldName } from "~/forms/limit-fields.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { SelectField, TextField, TimeField } from "./form-field.tsx";

export type LimitValues = Partial<Record<LimitFieldName, number | null>> & { dailyResetMode?: "fixed" | "rolling"; dailyResetTime?: string };

/** `hint` says what an empty field means for this kind of row (keys inherit, users and providers have no limit). */
export function LimitInputs({ values, hint }: { values?: LimitValues; hint?: string }) {
  const { t } = useI18n();
  return (
    <fieldset className="grid gap-3 rounded-md border p-3">
      <legend className="px-1 text-sm font-medium">{t("limits.title")}</legend>
      <p className="text-xs text-muted-foreground">{hint ?? t("limits.hint")}</p>
      <div className="grid grid-cols-2 gap-3">
        {LIMIT_FIELDS.map((field) => (
          <TextField
            key={field.name}
            name={field.name}
            label={t(field.label)}
            type="number"
            inputMode="decimal"
            min={0}
            step={field.unit === "usd" ? "any" : 1}
            defaultValue={values?.[field.name] ?? ""}
          />
        ))}
        <SelectField
          name="dailyResetMode"
          label={t("limits.dailyResetMode")}
          defaultValue={values?.dailyResetMode ?? "fixed"}
          options={[
            { value: "fixed", label: t("limits.resetFixed") },
            { value: "rolling", label: t("limits.resetRolling") },
          ]}
        />
        <TimeField
          name="dailyResetTime"
          label={t("limits.dailyResetTime")}
          defaultValue={values?.dailyResetTime ?? "00:00"}
          hint={t("limits.dailyResetTimeHint")}
        />
      </div>
    </fieldset>
  );
}
