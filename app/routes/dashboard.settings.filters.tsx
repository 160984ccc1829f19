/**
 * /dashboard/settings/filters (admins): request filters, which rewrite a request's headers or
 * JSON body before it is forwarded, or a response's before it is returned; in run order, with
 * a tester that shows a sample request before and after the request filters, and (if one is
 * pasted) a sample response before and after the response filters.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { ArrowDown, ArrowUp, FlaskConical, Pencil, Plus, Trash2 } from "lucide-react";
import { useId } from "react";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { FieldErrors, FormError, SelectField, SwitchField, TextareaField, TextField } from "~/components/form-field.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { FILTER_ACTIONS, FILTER_BINDINGS, FILTER_PHASES, FILTER_SCOPES, filterFormSchema, filterTestSchema, formatFilterValue } from "~/forms/filter-form.ts";
import { idField, parseForm } from "~/forms/form-data.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { codeLabel, FILTER_WORD_KEYS } from "~/lib/hub-messages.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { FilterRow, FilterTestResult } from "~/lib/api-types.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "settings.navFilters");

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  const [{ items }, providers] = await Promise.all([query(context.trpc.filters.list({})), query(context.trpc.providers.list({}))]);
  return { filters: items, providers: providers.items.map((p) => ({ id: p.id, name: p.name })) };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult<unknown>> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const id = idField(form);
  switch (intent) {
    case "filter-create":
      return submit(intent, form, filterFormSchema, (data) => context.trpc.filters.create(data).then(() => undefined));
    case "filter-update":
      if (!id) return invalidRequest(intent);
      return submit(intent, form, filterFormSchema, (data) => context.trpc.filters.update({ id, ...data }).then(() => undefined));
    case "filter-toggle":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.filters.update({ id, isEnabled: form.get("isEnabled") === "true" }).then(() => undefined));
    case "filter-delete":
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.filters.delete({ id }).then(() => undefined));
    case "filter-move": {
      if (!id) return invalidRequest(intent);
      const step = form.get("direction") === "up" ? -1 : 1;
      return mutate(intent, async () => {
        const ids = (await context.trpc.filters.list({})).items.map((f) => f.id);
        const from = ids.indexOf(id);
        const to = from + step;
        if (from < 0 || to < 0 || to >= ids.length) return undefined;
        [ids[from], ids[to]] = [ids[to], ids[from]];
        await context.trpc.filters.reorder({ ids });
        return undefined;
      });
    }
    case "filter-test": {
      const parsed = parseForm(filterTestSchema, form);
      if (!parsed.ok) return { ok: false, intent, fieldErrors: parsed.fieldErrors };
      const { body, headers, providerId, responseBody, responseHeaders } = parsed.data;
      const response = responseBody ? { body: responseBody, headers: responseHeaders } : undefined;
      return mutate(intent, () => context.trpc.filters.test({ sample: { body, headers }, providerId, response }));
    }
    default:
      return invalidRequest(intent);
  }
}

function FilterFields({ filter, providers }: { filter?: FilterRow; providers: Array<{ id: number; name: string }> }) {
  const { t } = useI18n();
  const options = (values: readonly string[]) => values.map((value) => ({ value, label: codeLabel(value, t, FILTER_WORD_KEYS) }));
  return (
    <>
      <div className="grid grid-cols-2 gap-3">
        <TextField name="name" label={t("filters.name")} defaultValue={filter?.name} required maxLength={100} />
        <TextField name="description" label={t("common.description")} defaultValue={filter?.description} maxLength={500} />
      </div>
      <div className="grid grid-cols-3 gap-3">
        <SelectField name="phase" label={t("filters.phase")} defaultValue={filter?.phase ?? "request"} options={options(FILTER_PHASES)} />
        <SelectField name="scope" label={t("filters.scope")} defaultValue={filter?.scope ?? "body"} options={options(FILTER_SCOPES)} />
        <SelectField name="action" label={t("filters.action")} defaultValue={filter?.action ?? "set"} options={options(FILTER_ACTIONS)} />
      </div>
      <TextField name="target" label={t("filters.target")} defaultValue={filter?.target} required hint={t("filters.targetHint")} autoComplete="off" />
      <div className="grid grid-cols-2 gap-3">
        <TextField name="matchPattern" label={t("filters.matchPattern")} defaultValue={filter?.matchPattern ?? ""} hint={t("filters.matchPatternHint")} autoComplete="off" />
        <TextField name="value" label={t("filters.value")} defaultValue={formatFilterValue(filter?.value)} hint={t("filters.valueHint")} autoComplete="off" />
      </div>
      <div className="grid grid-cols-3 gap-3">
        <SelectField name="bindingType" label={t("filters.binding")} defaultValue={filter?.bindingType ?? "global"} options={options(FILTER_BINDINGS)} />
        <TextField name="providerIds" label={t("filters.providerIds")} defaultValue={filter?.providerIds.join(", ")} hint={providers.map((p) => `${p.id}=${p.name}`).join(", ")} autoComplete="off" />
        <TextField name="groupTags" label={t("filters.groupTags")} defaultValue={filter?.groupTags.join(", ")} autoComplete="off" />
      </div>
      <div className="grid grid-cols-2 gap-3">
        <TextField name="priority" label={t("rules.priority")} type="number" step={1} defaultValue={filter?.priority ?? 0} hint={t("filters.priorityHint")} />
        <SwitchField name="isEnabled" label={t("common.enabled")} defaultChecked={filter?.isEnabled ?? true} className="self-center" />
      </div>
    </>
  );
}

function FilterTester({ providers }: { providers: Array<{ id: number; name: string }> }) {
  const { t, tm } = useI18n();
  const fetcher = useFetcher<ActionResult<FilterTestResult>>();
  const titleId = useId();
  const result = fetcher.state === "idle" && fetcher.data?.intent === "filter-test" ? fetcher.data : undefined;
  return (
    <Card role="region" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle id={titleId}>{t("filters.testerTitle")}</CardTitle>
        <CardDescription>{t("filters.testerHint")}</CardDescription>
      </CardHeader>
      <CardContent>
        <fetcher.Form method="post" className="grid gap-3" noValidate>
          <input type="hidden" name="intent" value="filter-test" />
          <FieldErrors value={result?.ok === false ? result.fieldErrors : undefined}>
            <TextareaField name="body" label={t("filters.testerBody")} rows={4} defaultValue='{"model":"claude-sonnet-4-5","max_tokens":100,"metadata":{"user_id":"alice"},"messages":[{"role":"user","content":"hi"}]}' />
            <TextareaField name="headers" label={t("filters.testerHeaders")} rows={2} placeholder="user-agent: claude-cli/2.0.0" />
            <TextareaField name="responseBody" label={t("filters.testerResponseBody")} rows={4} placeholder={'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}'} />
            <TextareaField name="responseHeaders" label={t("filters.testerResponseHeaders")} rows={2} placeholder="x-trace-id: abc" />
            <SelectField name="providerId" label={t("filters.testerProvider")} defaultValue="" options={[{ value: "", label: t("filters.testerGlobalOnly") }, ...providers.map((p) => ({ value: String(p.id), label: p.name }))]} />
          </FieldErrors>
          <FormError message={result?.ok === false && !result.fieldErrors ? result.formError : undefined} />
          <div>
            <Button type="submit" variant="outline" disabled={fetcher.state !== "idle"}>
              <FlaskConical aria-hidden />
              {t("filters.testerRun")}
            </Button>
          </div>
        </fetcher.Form>
        {result?.ok ? (
          <div role="status" className="mt-4 grid gap-3 md:grid-cols-2">
            <figure>
              <figcaption className="text-xs font-medium">{t("filters.before")}</figcaption>
              <pre data-testid="filter-before" className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 text-xs">{`${Object.entries(result.result.before.headers).map(([k, v]) => `${k}: ${v}\n`).join("")}\n${result.result.before.body}`}</pre>
            </figure>
            <figure>
              <figcaption className="text-xs font-medium">{t("filters.after")}</figcaption>
              <pre data-testid="filter-after" className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 text-xs">{`${Object.entries(result.result.after.headers).map(([k, v]) => `${k}: ${v}\n`).join("")}\n${result.result.after.body}`}</pre>
            </figure>
            <p className="text-xs text-muted-foreground md:col-span-2">
              {result.result.ran.length
                ? result.result.ran.map((r) => (r.applied ? `✓ ${r.name}` : `– ${r.name}: ${tm(r.skipReason ?? "")}`)).join(" · ")
                : t("filters.testerNoneRan")}
            </p>
            {result.result.response ? <ResponseResult response={result.result.response} /> : null}
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** The sample response before and after the response filters (the tester's second half). */
function ResponseResult({ response }: { response: NonNullable<FilterTestResult["response"]> }) {
  const { t, tm } = useI18n();
  const shown = (side: { headers: Record<string, string>; body: string }) => `${Object.entries(side.headers).map(([k, v]) => `${k}: ${v}\n`).join("")}\n${side.body}`;
  return (
    <>
      <figure>
        <figcaption className="text-xs font-medium">{t("filters.responseBefore")}</figcaption>
        <pre data-testid="filter-response-before" className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 text-xs">{shown(response.before)}</pre>
      </figure>
      <figure>
        <figcaption className="text-xs font-medium">{t("filters.responseAfter")}</figcaption>
        <pre data-testid="filter-response-after" className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2 text-xs">{shown(response.after)}</pre>
      </figure>
      <p className="text-xs text-muted-foreground md:col-span-2">
        {t("filters.responseKind", { kind: response.kind })} ·{" "}
        {response.ran.length ? response.ran.map((r) => (r.applied ? `✓ ${r.name} (${r.applied})` : `– ${r.name}: ${tm(r.skipReason ?? "")}`)).join(" · ") : t("filters.testerNoneRanResponse")}
      </p>
    </>
  );
}

function MoveButton({ id, direction, label, disabled }: { id: number; direction: "up" | "down"; label: string; disabled: boolean }) {
  const fetcher = useFetcher();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="filter-move" />
      <input type="hidden" name="id" value={id} />
      <input type="hidden" name="direction" value={direction} />
      <Button type="submit" variant="ghost" size="icon" aria-label={label} disabled={disabled || fetcher.state !== "idle"}>
        {direction === "up" ? <ArrowUp aria-hidden /> : <ArrowDown aria-hidden />}
      </Button>
    </fetcher.Form>
  );
}

function ToggleButton({ filter }: { filter: FilterRow }) {
  const { t } = useI18n();
  const fetcher = useFetcher();
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="filter-toggle" />
      <input type="hidden" name="id" value={filter.id} />
      <input type="hidden" name="isEnabled" value={String(!filter.isEnabled)} />
      <Button type="submit" variant="ghost" size="sm" disabled={fetcher.state !== "idle"} aria-label={t(filter.isEnabled ? "filters.disableNamed" : "filters.enableNamed", { name: filter.name })}>
        {filter.isEnabled ? <Badge variant="success">{t("status.enabled")}</Badge> : <Badge variant="muted">{t("status.disabled")}</Badge>}
      </Button>
    </fetcher.Form>
  );
}

export default function FiltersPage() {
  const { filters, providers } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const providerName = (id: number) => providers.find((p) => p.id === id)?.name ?? `#${id}`;
  return (
    <>
      <PageHeader
        title={t("filters.title")}
        description={t("filters.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("filters.new")}
              </Button>
            }
            title={t("filters.createTitle")}
            description={t("filters.createDescription")}
            intent="filter-create"
            submitLabel={t("common.create")}
            className="max-w-2xl"
          >
            <FilterFields providers={providers} />
          </ActionDialog>
        }
      />
      <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
        <Card>
          <CardContent className="p-0">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("filters.order")}</TableHead>
                  <TableHead>{t("filters.name")}</TableHead>
                  <TableHead>{t("filters.rule")}</TableHead>
                  <TableHead>{t("filters.binding")}</TableHead>
                  <TableHead>{t("common.status")}</TableHead>
                  <TableHead className="text-right">{t("common.actions")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {filters.length === 0 ? <TableEmpty colSpan={6}>{t("filters.empty")}</TableEmpty> : null}
                {filters.map((filter, index) => (
                  <TableRow key={filter.id}>
                    <TableCell>
                      <div className="flex gap-1">
                        <MoveButton id={filter.id} direction="up" label={t("filters.moveUp", { name: filter.name })} disabled={index === 0} />
                        <MoveButton id={filter.id} direction="down" label={t("filters.moveDown", { name: filter.name })} disabled={index === filters.length - 1} />
                      </div>
                    </TableCell>
                    <TableCell className="max-w-xs">
                      <div className="font-medium">{filter.name}</div>
                      {filter.description ? <div className="truncate text-xs text-muted-foreground">{filter.description}</div> : null}
                    </TableCell>
                    <TableCell className="font-mono text-xs">
                      <Badge variant="outline">{codeLabel(filter.phase, t, FILTER_WORD_KEYS)}</Badge> {codeLabel(filter.scope, t, FILTER_WORD_KEYS)} {codeLabel(filter.action, t, FILTER_WORD_KEYS)} {filter.target}
                      {filter.action === "replace" ? ` /${filter.matchPattern ?? ""}/ → ${formatFilterValue(filter.value)}` : filter.action === "set" ? ` = ${formatFilterValue(filter.value)}` : ""}
                    </TableCell>
                    <TableCell className="text-xs">
                      {filter.bindingType === "global" ? t("filters.global") : filter.bindingType === "providers" ? filter.providerIds.map(providerName).join(", ") : filter.groupTags.join(", ")}
                    </TableCell>
                    <TableCell>
                      <ToggleButton filter={filter} />
                    </TableCell>
                    <TableCell>
                      <div className="flex justify-end gap-1">
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("filters.editNamed", { name: filter.name })}>
                              <Pencil aria-hidden />
                            </Button>
                          }
                          title={t("filters.editTitle")}
                          description={t("filters.createDescription")}
                          intent="filter-update"
                          hidden={{ id: filter.id }}
                          submitLabel={t("common.save")}
                          className="max-w-2xl"
                        >
                          <FilterFields filter={filter} providers={providers} />
                        </ActionDialog>
                        <ActionDialog
                          trigger={
                            <Button variant="ghost" size="icon" aria-label={t("filters.deleteNamed", { name: filter.name })}>
                              <Trash2 aria-hidden />
                            </Button>
                          }
                          title={t("filters.deleteTitle")}
                          description={t("filters.deleteDescription", { name: filter.name })}
                          intent="filter-delete"
                          hidden={{ id: filter.id }}
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
        <FilterTester providers={providers} />
      </div>
    </>
  );
}
