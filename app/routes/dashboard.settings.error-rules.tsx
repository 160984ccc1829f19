/**
 * /dashboard/settings/error-rules (admins): the rules that say what an upstream error means
 * (the client's mistake, or the provider's fault to retry and count), and a tester that shows
 * which rule a sample error would hit.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { FlaskConical, Pencil, Plus, Trash2 } from "lucide-react";
import { useId } from "react";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { FieldErrors, FormError, SelectField, SwitchField, TextareaField, TextField } from "~/components/form-field.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { idField, parseForm } from "~/forms/form-data.ts";
import { MATCH_TYPES, RULE_CATEGORIES, ruleFormSchema, ruleTestSchema } from "~/forms/rule-form.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { codeLabel } from "~/lib/hub-messages.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { ErrorRuleRow, RuleTestResult } from "~/lib/api-types.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "settings.navErrorRules");

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  const { items } = await query(context.trpc.rules.list({}));
  return { rules: items };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult<unknown>> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);
  switch (intent) {
    case "rule-create":
      return submit(intent, form, ruleFormSchema, (data) => context.trpc.rules.create(data).then(() => undefined));
    case "rule-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, ruleFormSchema, (data) => context.trpc.rules.update({ id, ...data }).then(() => undefined));
    case "rule-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.rules.delete({ id }).then(() => undefined));
    case "rule-test": {
      const parsed = parseForm(ruleTestSchema, form);
      if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors };
      return mutate(intent, () => context.trpc.rules.test(parsed.data));
    }
    default:
      return invalidRequest(intent);
  }
}

const CATEGORY_LIST = "error-rule-categories";
const MATCH_LABEL = { contains: "rules.matchContains", exact: "rules.matchExact", regex: "rules.matchRegex" } as const satisfies Record<(typeof MATCH_TYPES)[number], MessageKey>;

function RuleFields({ rule }: { rule?: ErrorRuleRow }) {
  const { t } = useI18n();
  return (
    <>
      <TextareaField name="pattern" label={t("rules.pattern")} defaultValue={rule?.pattern} rows={2} required hint={t("rules.patternHint")} />
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          name="matchType"
          label={t("rules.matchType")}
          defaultValue={rule?.matchType ?? "contains"}
          options={MATCH_TYPES.map((value) => ({ value, label: t(MATCH_LABEL[value]) }))}
        />
        <TextField name="category" label={t("rules.category")} defaultValue={rule?.category ?? "client_error"} list={CATEGORY_LIST} required autoComplete="off" />
      </div>
      <TextField name="description" label={t("common.description")} defaultValue={rule?.description} maxLength={500} />
      <div className="grid gap-3 sm:grid-cols-2">
        <SwitchField name="retryable" label={t("rules.retryable")} hint={t("rules.retryableHint")} defaultChecked={rule?.retryable ?? false} />
        <SwitchField name="countsTowardBreaker" label={t("rules.countsTowardBreaker")} hint={t("rules.countsTowardBreakerHint")} defaultChecked={rule?.countsTowardBreaker ?? false} />
      </div>
      <div className="grid grid-cols-3 gap-3">
        <TextField name="overrideMessage" label={t("rules.overrideMessage")} defaultValue={rule?.overrideMessage ?? ""} className="col-span-2" hint={t("rules.overrideMessageHint")} />
        <TextField name="overrideStatusCode" label={t("rules.overrideStatus")} type="number" min={400} max={599} step={1} defaultValue={rule?.overrideStatusCode ?? ""} />
      </div>
      <div className="grid grid-cols-2 gap-3">
        <TextField name="priority" label={t("rules.priority")} type="number" step={1} defaultValue={rule?.priority ?? 0} hint={t("rules.priorityHint")} />
        <SwitchField name="isEnabled" label={t("common.enabled")} defaultChecked={rule?.isEnabled ?? true} className="self-center" />
      </div>
      <datalist id={CATEGORY_LIST}>
        {RULE_CATEGORIES.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </>
  );
}

function RuleTester() {
  const { t } = useI18n();
  const fetcher = useFetcher<ActionResult<RuleTestResult>>();
  const titleId = useId();
  const result = fetcher.state === "idle" && fetcher.data?.intent === "rule-test" ? fetcher.data : undefined;
  return (
    <Card role="region" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle id={titleId}>{t("rules.testerTitle")}</CardTitle>
        <CardDescription>{t("rules.testerHint")}</CardDescription>
      </CardHeader>
      <CardContent>
        <fetcher.Form method="post" className="grid gap-3" noValidate>
          <input type="hidden" name="intent" value="rule-test" />
          <FieldErrors value={result?.ok === false ? result.fieldErrors : undefined}>
            <TextareaField name="text" label={t("rules.testerText")} rows={4} placeholder='{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long"}}' />
          </FieldErrors>
          <FormError message={result?.ok === false && !result.fieldErrors ? result.formError : undefined} />
          <div>
            <Button type="submit" variant="outline" disabled={fetcher.state !== "idle"}>
              <FlaskConical aria-hidden />
              {t("rules.testerRun")}
            </Button>
          </div>
        </fetcher.Form>
        {result?.ok ? (
          <div role="status" className="mt-4">
            {result.result.rule ? (
              <Alert>
                <AlertTitle>{t("rules.testerMatched", { pattern: result.result.rule.pattern })}</AlertTitle>
                <AlertDescription>
                  {t("rules.testerVerdict", {
                    category: result.result.rule.category,
                    retry: result.result.rule.retryable ? t("common.yes") : t("common.no"),
                    breaker: result.result.rule.countsTowardBreaker ? t("common.yes") : t("common.no"),
                  })}
                  {result.result.rule.overrideMessage ? ` ${t("rules.testerOverride", { message: result.result.rule.overrideMessage })}` : ""}
                </AlertDescription>
              </Alert>
            ) : (
              <Alert variant="warning">
                <AlertTitle>{t("rules.testerNoMatch")}</AlertTitle>
                <AlertDescription>{t("rules.testerNoMatchHint")}</AlertDescription>
              </Alert>
            )}
            <p className="mt-2 text-xs text-muted-foreground">{t("rules.testerMessage", { message: result.result.message })}</p>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

export default function ErrorRulesPage() {
  const { rules } = useLoaderData<typeof loader>();
  const { t, tm } = useI18n();
  return (
    <>
      <PageHeader
        title={t("rules.title")}
        description={t("rules.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("rules.new")}
              </Button>
            }
            title={t("rules.createTitle")}
            description={t("rules.createDescription")}
            intent="rule-create"
            submitLabel={t("common.create")}
            className="max-w-2xl"
          >
            <RuleFields />
          </ActionDialog>
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <RuleTester />
        <Card>
          <CardContent className="p-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("rules.pattern")}</TableHead>
                  <TableHead>{t("rules.matchType")}</TableHead>
                  <TableHead>{t("rules.category")}</TableHead>
                  <TableHead>{t("rules.retryable")}</TableHead>
                  <TableHead>{t("rules.breakerShort")}</TableHead>
                  <TableHead>{t("rules.override")}</TableHead>
                  <TableHead className="text-right">{t("rules.priority")}</TableHead>
                  <TableHead>{t("common.status")}</TableHead>
                  <TableHead className="text-right">{t("common.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rules.length === 0 ? <TableEmpty colSpan={9}>{t("rules.empty")}</TableEmpty> : null}
                {rules.map((rule) => (
                  <TableRow key={rule.id}>
                    <TableCell className="max-w-xs">
                      <div className="break-words font-mono text-xs">{rule.pattern}</div>
                      {rule.description ? <div className="truncate text-xs text-muted-foreground">{tm(rule.description)}</div> : null}
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{rule.matchType}</Badge>
                    </TableCell>
                    <TableCell className="text-xs" title={rule.category}>
                      {codeLabel(rule.category, t)}
                    </TableCell>
                    <TableCell>{rule.retryable ? t("common.yes") : t("common.no")}</TableCell>
                    <TableCell>{rule.countsTowardBreaker ? t("common.yes") : t("common.no")}</TableCell>
                    <TableCell className="max-w-[12rem] truncate text-xs text-muted-foreground">
                      {rule.overrideStatusCode ?? ""} {rule.overrideMessage ?? (rule.overrideStatusCode ? "" : "—")}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{rule.priority}</TableCell>
                    <TableCell>
                      <div className="flex flex-wrap gap-1">
                        {rule.isEnabled ? <Badge variant="success">{t("status.enabled")}</Badge> : <Badge variant="muted">{t("status.disabled")}</Badge>}
                        {rule.isDefault ? <Badge variant="outline">{t("rules.default")}</Badge> : null}
                      </div>
                    </TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("rules.editNamed", { pattern: rule.pattern })}>
                              <Pencil aria-hidden />
                            </Button>
                          }
                          title={t("rules.editTitle")}
                          description={t("rules.editDescription")}
                          intent="rule-update"
                          hidden={{ id: rule.id }}
                          submitLabel={t("common.save")}
                          className="max-w-2xl"
                        >
                          <RuleFields rule={rule} />
                        </ActionDialog>
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("rules.deleteNamed", { pattern: rule.pattern })}>
                              <Trash2 aria-hidden />
                            </Button>
                          }
                          title={t("rules.deleteTitle")}
                          description={t("rules.deleteDescription", { pattern: rule.pattern })}
                          intent="rule-delete"
                          hidden={{ id: rule.id }}
                          submitLabel={t("common.delete")}
                          destructive
                        />
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      </div>
    </>
  );
}
