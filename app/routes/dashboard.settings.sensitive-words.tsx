/**
 * /dashboard/settings/sensitive-words (admins): words and patterns that refuse a request before
 * it is forwarded (manual §9.2), with a tester that shows which enabled rule a text would hit.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { FlaskConical, Pencil, Plus, Power, Trash2 } from "lucide-react";
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
import { SENSITIVE_MATCH_TYPES, sensitiveWordFormSchema, sensitiveWordTestSchema, sensitiveWordToggleSchema } from "~/forms/sensitive-word-form.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { SensitiveWordRow, SensitiveWordTestResult } from "~/lib/api-types.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "settings.navSensitiveWords");

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  const { items } = await query(context.trpc.sensitiveWords.list({}));
  return { words: items };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult<unknown>> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);
  switch (intent) {
    case "word-create":
      return submit(intent, form, sensitiveWordFormSchema, (data) => context.trpc.sensitiveWords.create(data).then(() => undefined));
    case "word-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, sensitiveWordFormSchema, (data) => context.trpc.sensitiveWords.update({ id, ...data }).then(() => undefined));
    case "word-toggle":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, sensitiveWordToggleSchema, (data) => context.trpc.sensitiveWords.update({ id, ...data }).then(() => undefined));
    case "word-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.sensitiveWords.delete({ id }).then(() => undefined));
    case "word-test": {
      const parsed = parseForm(sensitiveWordTestSchema, form);
      if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors };
      return mutate(intent, () => context.trpc.sensitiveWords.test(parsed.data));
    }
    default:
      return invalidRequest(intent);
  }
}

const MATCH_LABEL = {
  contains: "sensitiveWords.matchContains",
  exact: "sensitiveWords.matchExact",
  regex: "sensitiveWords.matchRegex",
} as const satisfies Record<(typeof SENSITIVE_MATCH_TYPES)[number], MessageKey>;

function WordFields({ word }: { word?: SensitiveWordRow }) {
  const { t } = useI18n();
  return (
    <>
      <TextareaField name="word" label={t("sensitiveWords.word")} defaultValue={word?.word} rows={2} required hint={t("sensitiveWords.wordHint")} />
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          name="matchType"
          label={t("sensitiveWords.matchType")}
          defaultValue={word?.matchType ?? "contains"}
          options={SENSITIVE_MATCH_TYPES.map((value) => ({ value, label: t(MATCH_LABEL[value]) }))}
        />
        <SwitchField name="isEnabled" label={t("common.enabled")} defaultChecked={word?.isEnabled ?? true} className="self-center" />
      </div>
      <TextField name="description" label={t("common.description")} defaultValue={word?.description} maxLength={500} />
    </>
  );
}

function WordTester() {
  const { t } = useI18n();
  const fetcher = useFetcher<ActionResult<SensitiveWordTestResult>>();
  const titleId = useId();
  const result = fetcher.state === "idle" && fetcher.data?.intent === "word-test" ? fetcher.data : undefined;
  return (
    <Card role="region" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle id={titleId}>{t("sensitiveWords.testerTitle")}</CardTitle>
        <CardDescription>{t("sensitiveWords.testerHint")}</CardDescription>
      </CardHeader>
      <CardContent>
        <fetcher.Form method="post" className="grid gap-3" noValidate>
          <input type="hidden" name="intent" value="word-test" />
          <FieldErrors value={result?.ok === false ? result.fieldErrors : undefined}>
            <TextareaField name="text" label={t("sensitiveWords.testerText")} rows={4} className="font-sans" />
          </FieldErrors>
          <FormError message={result?.ok === false && !result.fieldErrors ? result.formError : undefined} />
          <div>
            <Button type="submit" variant="outline" disabled={fetcher.state !== "idle"}>
              <FlaskConical aria-hidden />
              {t("sensitiveWords.testerRun")}
            </Button>
          </div>
        </fetcher.Form>
        {result?.ok ? (
          <div role="status" className="mt-4">
            {result.result.word ? (
              <Alert variant="warning">
                <AlertTitle>{t("sensitiveWords.testerMatched", { id: result.result.word.id, word: result.result.word.word })}</AlertTitle>
                <AlertDescription>{t("sensitiveWords.testerMatchedHint", { match: t(MATCH_LABEL[result.result.word.matchType]) })}</AlertDescription>
              </Alert>
            ) : (
              <Alert>
                <AlertTitle>{t("sensitiveWords.testerNoMatch")}</AlertTitle>
                <AlertDescription>{t("sensitiveWords.testerNoMatchHint")}</AlertDescription>
              </Alert>
            )}
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

function ToggleButton({ word }: { word: SensitiveWordRow }) {
  const { t } = useI18n();
  const fetcher = useFetcher<ActionResult<unknown>>();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="word-toggle" />
      <input type="hidden" name="id" value={word.id} />
      {word.isEnabled ? null : <input type="hidden" name="isEnabled" value="on" />}
      <Button type="submit" variant="ghost" size="icon" disabled={fetcher.state !== "idle"} aria-label={t(word.isEnabled ? "sensitiveWords.disableNamed" : "sensitiveWords.enableNamed", { id: word.id })}>
        <Power aria-hidden />
      </Button>
    </fetcher.Form>
  );
}

export default function SensitiveWordsPage() {
  const { words } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t("sensitiveWords.title")}
        description={t("sensitiveWords.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("sensitiveWords.new")}
              </Button>
            }
            title={t("sensitiveWords.createTitle")}
            description={t("sensitiveWords.createDescription")}
            intent="word-create"
            submitLabel={t("common.create")}
          >
            <WordFields />
          </ActionDialog>
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <WordTester />
        <Card>
          <CardContent className="p-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead className="w-16">#</TableHead>
                  <TableHead>{t("sensitiveWords.word")}</TableHead>
                  <TableHead>{t("sensitiveWords.matchType")}</TableHead>
                  <TableHead>{t("common.status")}</TableHead>
                  <TableHead className="text-right">{t("common.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {words.length === 0 ? <TableEmpty colSpan={5}>{t("sensitiveWords.empty")}</TableEmpty> : null}
                {words.map((word) => (
                  <TableRow key={word.id}>
                    <TableCell className="tabular-nums text-muted-foreground">{word.id}</TableCell>
                    <TableCell className="max-w-md">
                      <div className="break-words font-mono text-xs">{word.word}</div>
                      {word.description ? <div className="truncate text-xs text-muted-foreground">{word.description}</div> : null}
                    </TableCell>
                    <TableCell>
                      <Badge variant="outline">{t(MATCH_LABEL[word.matchType])}</Badge>
                    </TableCell>
                    <TableCell>{word.isEnabled ? <Badge variant="success">{t("status.enabled")}</Badge> : <Badge variant="muted">{t("status.disabled")}</Badge>}</TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <ToggleButton word={word} />
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("sensitiveWords.editNamed", { id: word.id })}>
                              <Pencil aria-hidden />
                            </Button>
                          }
                          title={t("sensitiveWords.editTitle")}
                          description={t("sensitiveWords.editDescription")}
                          intent="word-update"
                          hidden={{ id: word.id }}
                          submitLabel={t("common.save")}
                        >
                          <WordFields word={word} />
                        </ActionDialog>
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("sensitiveWords.deleteNamed", { id: word.id })}>
                              <Trash2 aria-hidden />
                            </Button>
                          }
                          title={t("sensitiveWords.deleteTitle")}
                          description={t("sensitiveWords.deleteDescription", { id: word.id })}
                          intent="word-delete"
                          hidden={{ id: word.id }}
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
