/**
 * One section of the settings page: a card holding a form that saves only its own fields, with
 * field errors beside the fields and a "saved" note once the hub has accepted them.
 */
import { useFetcher } from "@remix-run/react";
import { useId } from "react";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { FieldErrors, FormError } from "../form-field.tsx";
import { Button } from "../ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "../ui/card.tsx";

export function SettingsSection({ intent, title, description, children }: { intent: string; title: string; description: string; children: React.ReactNode }) {
  const { t } = useI18n();
  const fetcher = useFetcher<ActionResult>();
  const titleId = useId();
  const result = fetcher.state === "idle" && fetcher.data?.intent === intent ? fetcher.data : undefined;
  return (
    <Card role="region" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle id={titleId}>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>
        <fetcher.Form method="post" className="grid gap-4" noValidate aria-labelledby={titleId}>
          <input type="hidden" name="intent" value={intent} />
          <FormError message={result?.ok === false ? result.formError : undefined} />
          <FieldErrors value={result?.ok === false ? result.fieldErrors : undefined}>{children}</FieldErrors>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={fetcher.state !== "idle"}>
              {fetcher.state !== "idle" ? t("common.saving") : t("common.save")}
            </Button>
            <span role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
              {result?.ok ? t("settings.saved") : ""}
            </span>
          </div>
        </fetcher.Form>
      </CardContent>
    </Card>
  );
}
