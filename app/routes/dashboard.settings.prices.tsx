/**
 * /dashboard/settings/prices (admins): the model price table — search, pages, prices added or
 * edited by hand (kept by every sync), deletion, and the sync from LiteLLM with its outcome.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useFetcher, useLoaderData } from "@remix-run/react";
import { Pencil, Plus, RefreshCw, Search, Trash2 } from "lucide-react";
import { z } from "zod";
import { ActionDialog } from "~/components/action-dialog.tsx";
import { TextareaField, TextField } from "~/components/form-field.tsx";
import { Pagination } from "~/components/logs/pagination.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Alert, AlertDescription, AlertTitle } from "~/components/ui/alert.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { Input } from "~/components/ui/input.tsx";
import { Label } from "~/components/ui/label.tsx";
import { OptionSelect } from "~/components/ui/select.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { idField } from "~/forms/form-data.ts";
import { extraPriceJson, PRICE_FIELDS, priceFormSchema } from "~/forms/price-form.ts";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import type { PriceRow, PriceSyncCounts } from "~/lib/api-types.ts";
import { invalidRequest, mutate, query, requireAdmin, submit } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "settings.navPrices");

const SOURCES = ["builtin", "litellm", "manual"] as const;
const PAGE_SIZE = 50;

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireAdmin(context);
  const params = new URL(request.url).searchParams;
  const search = params.get("q")?.trim() || undefined;
  const source = z.enum(SOURCES).optional().catch(undefined).parse(params.get("source") || undefined);
  const page = z.coerce.number().int().min(1).catch(1).parse(params.get("page") ?? 1);
  const list = await query(context.trpc.prices.list({ search, source, page, pageSize: PAGE_SIZE }));
  return { list, search: search ?? "", source: source ?? "" };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult<unknown>> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  switch (intent) {
    case "price-save":
      return submit(intent, form, priceFormSchema, (data) => context.trpc.prices.upsert(data).then(() => undefined));
    case "price-delete": {
      const id = idField(form);
      if (!id) return invalidRequest(intent);
      return mutate(intent, () => context.trpc.prices.delete({ id }).then(() => undefined));
    }
    case "price-sync":
      return mutate(intent, () => context.trpc.prices.sync({}));
    default:
      return invalidRequest(intent);
  }
}

function PriceFields({ price }: { price?: PriceRow }) {
  const { t } = useI18n();
  const perMTok: Record<(typeof PRICE_FIELDS)[number]["name"], number | null | undefined> = {
    inputPerMTok: price?.inputPerMTok,
    outputPerMTok: price?.outputPerMTok,
    cacheWrite5mPerMTok: price?.cacheWrite5mPerMTok,
    cacheWrite1hPerMTok: price?.cacheWrite1hPerMTok,
    cacheReadPerMTok: price?.cacheReadPerMTok,
  };
  return (
    <>
      {price ? (
        // The model name is the row's identity: editing it would add another model.
        <input type="hidden" name="modelName" value={price.modelName} />
      ) : (
        <TextField name="modelName" label={t("prices.model")} required maxLength={200} autoComplete="off" placeholder="claude-sonnet-4-5" />
      )}
      <p className="text-xs text-muted-foreground">{t("prices.perMTokHint")}</p>
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        {PRICE_FIELDS.map((field) => (
          <TextField key={field.name} name={field.name} label={t(field.label)} type="number" min={0} step="any" inputMode="decimal" defaultValue={perMTok[field.name] ?? ""} />
        ))}
      </div>
      <div className="grid grid-cols-2 gap-3">
        <TextField name="litellmProvider" label={t("prices.provider")} defaultValue={price?.litellmProvider ?? ""} placeholder="anthropic" />
        <TextField name="mode" label={t("prices.mode")} defaultValue={price?.mode ?? ""} placeholder="chat" />
      </div>
      <TextareaField name="extra" label={t("prices.extra")} defaultValue={price ? extraPriceJson(price.priceData) : ""} rows={3} hint={t("prices.extraHint")} />
    </>
  );
}

function SyncButton() {
  const { t, fmt, tServer } = useI18n();
  const fetcher = useFetcher<ActionResult<PriceSyncCounts>>();
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  return (
    <div className="grid justify-items-end gap-3">
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="price-sync" />
        <Button type="submit" variant="outline" disabled={fetcher.state !== "idle"}>
          <RefreshCw aria-hidden className={fetcher.state !== "idle" ? "animate-spin" : undefined} />
          {fetcher.state !== "idle" ? t("prices.syncing") : t("prices.sync")}
        </Button>
      </fetcher.Form>
      {result?.ok ? (
        <Alert className="max-w-xl">
          <AlertTitle>{t("prices.syncDone")}</AlertTitle>
          <AlertDescription>
            {t("prices.syncCounts", {
              added: fmt.integer(result.result.added),
              updated: fmt.integer(result.result.updated),
              unchanged: fmt.integer(result.result.unchanged),
              skippedManual: fmt.integer(result.result.skippedManual),
              invalid: fmt.integer(result.result.invalid),
            })}
          </AlertDescription>
        </Alert>
      ) : result?.ok === false ? (
        <Alert variant="destructive" className="max-w-xl">
          <AlertTitle>{t("prices.syncFailed")}</AlertTitle>
          <AlertDescription>{result.formError ? tServer(result.formError) : null}</AlertDescription>
        </Alert>
      ) : null}
    </div>
  );
}

const SOURCE_BADGE = { builtin: "muted", litellm: "secondary", manual: "default" } as const;
const SOURCE_LABEL = { builtin: "prices.sourceBuiltin", litellm: "prices.sourceLitellm", manual: "prices.sourceManual" } as const satisfies Record<(typeof SOURCES)[number], MessageKey>;

export default function PricesPage() {
  const { list, search, source } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  const price = (v: number | null) => (v === null ? "—" : `$${v.toLocaleString("en-US", { maximumFractionDigits: 6 })}`);
  return (
    <>
      <PageHeader
        title={t("prices.title")}
        description={t("prices.subtitle")}
        actions={
          <ActionDialog
            trigger={
              <Button>
                <Plus aria-hidden />
                {t("prices.new")}
              </Button>
            }
            title={t("prices.createTitle")}
            description={t("prices.createDescription")}
            intent="price-save"
            submitLabel={t("common.save")}
          >
            <PriceFields />
          </ActionDialog>
        }
      />
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <Form method="get" className="flex flex-wrap items-end gap-2" key={`${search}|${source}`}>
          <div className="grid gap-1.5">
            <Label htmlFor="price-search">{t("prices.search")}</Label>
            <Input id="price-search" name="q" type="search" defaultValue={search} className="w-64" />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor="price-source">{t("prices.source")}</Label>
            <OptionSelect
              id="price-source"
              name="source"
              defaultValue={source}
              className="w-40"
              options={[{ value: "", label: t("logs.all") }, ...SOURCES.map((s) => ({ value: s, label: t(SOURCE_LABEL[s]) }))]}
            />
          </div>
          <Button type="submit" variant="outline">
            <Search aria-hidden />
            {t("quotas.searchSubmit")}
          </Button>
        </Form>
        <SyncButton />
      </div>
      <Card>
        <CardContent className="p-0">
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t("prices.model")}</TableHead>
                <TableHead>{t("prices.source")}</TableHead>
                <TableHead className="text-right">{t("prices.input")}</TableHead>
                <TableHead className="text-right">{t("prices.output")}</TableHead>
                <TableHead className="text-right">{t("prices.cacheWrite5m")}</TableHead>
                <TableHead className="text-right">{t("prices.cacheRead")}</TableHead>
                <TableHead>{t("prices.provider")}</TableHead>
                <TableHead>{t("prices.updated")}</TableHead>
                <TableHead className="text-right">{t("common.actions")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.items.length === 0 ? <TableEmpty colSpan={9}>{t("prices.empty")}</TableEmpty> : null}
              {list.items.map((row) => (
                <TableRow key={row.id}>
                  <TableCell className="font-mono text-xs">{row.modelName}</TableCell>
                  <TableCell>
                    <Badge variant={SOURCE_BADGE[row.source]}>{t(SOURCE_LABEL[row.source])}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{price(row.inputPerMTok)}</TableCell>
                  <TableCell className="text-right tabular-nums">{price(row.outputPerMTok)}</TableCell>
                  <TableCell className="text-right tabular-nums">{price(row.cacheWrite5mPerMTok)}</TableCell>
                  <TableCell className="text-right tabular-nums">{price(row.cacheReadPerMTok)}</TableCell>
                  <TableCell className="text-muted-foreground">{row.litellmProvider ?? "—"}</TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{fmt.date(row.updatedAt)}</TableCell>
                  <TableCell>
                    <div className="flex justify-end gap-1">
                      <ActionDialog
                        trigger={
                          <Button variant="ghost" size="icon" aria-label={t("prices.editNamed", { name: row.modelName })}>
                            <Pencil aria-hidden />
                          </Button>
                        }
                        title={t("prices.editTitle")}
                        description={t("prices.editDescription", { name: row.modelName })}
                        intent="price-save"
                        submitLabel={t("common.save")}
                      >
                        <PriceFields price={row} />
                      </ActionDialog>
                      <ActionDialog
                        trigger={
                          <Button variant="ghost" size="icon" aria-label={t("prices.deleteNamed", { name: row.modelName })}>
                            <Trash2 aria-hidden />
                          </Button>
                        }
                        title={t("prices.deleteTitle")}
                        description={t("prices.deleteDescription", { name: row.modelName })}
                        intent="price-delete"
                        hidden={{ id: row.id }}
                        submitLabel={t("common.delete")}
                        destructive
                      />
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} />
        </CardContent>
      </Card>
    </>
  );
}
