/**
 * /dashboard/audit (admins): every admin change — who, when, what, and the record before and
 * after (secrets masked by the hub) — newest first, filtered by actor, entity, action and time.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigate } from "@remix-run/react";
import { ChevronRight, Filter } from "lucide-react";
import type { FormEvent } from "react";
import { DateTimeField, SelectField } from "~/components/form-field.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { auditFiltersToSearch, auditListInput, parseAuditFilters, type AuditFilters } from "~/forms/audit-filters.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { auditActionLabel, auditTargetLabel } from "~/lib/audit-labels.ts";
import { query, requireAdmin } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.audit");

const AUDIT_PATH = "/dashboard/audit";

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireAdmin(context);
  const filters = parseAuditFilters(new URL(request.url).searchParams);
  const [list, options] = await Promise.all([query(context.trpc.audit.list(auditListInput(filters))), query(context.trpc.audit.filterOptions({}))]);
  return { filters, list, options };
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Filters({ filters, options }: { filters: AuditFilters; options: LoaderData["options"] }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const all = { value: "", label: t("logs.all") };
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) if (typeof value === "string" && value) params.set(name, value);
    const search = params.toString();
    navigate(`${AUDIT_PATH}${search ? `?${search}` : ""}`);
  }
  return (
    <Form method="get" action={AUDIT_PATH} key={JSON.stringify({ ...filters, cursor: undefined })} onSubmit={submit} className="grid gap-3 md:grid-cols-3 xl:grid-cols-7" aria-label={t("audit.filters")}>
      <SelectField
        name="actor"
        label={t("audit.actor")}
        defaultValue={filters.actor ?? ""}
        options={[all, { value: "admin", label: t("audit.actorAdmin") }, { value: "system", label: t("audit.actorSystem") }, ...options.actors.map((a) => ({ value: `user:${a.id}`, label: a.name }))]}
      />
      <SelectField name="targetType" label={t("audit.entity")} defaultValue={filters.targetType ?? ""} options={[all, ...options.targetTypes.map((v) => ({ value: v, label: auditTargetLabel(v, t) }))]} />
      <SelectField name="action" label={t("audit.action")} defaultValue={filters.action ?? ""} options={[all, ...options.actions.map((v) => ({ value: v, label: auditActionLabel(v, t) }))]} />
      <DateTimeField name="from" label={t("logs.from")} defaultValue={filters.from} className="xl:col-span-2" />
      <DateTimeField name="to" label={t("logs.to")} defaultValue={filters.to} className="xl:col-span-2" />
      <div className="flex items-end gap-2 md:col-span-3 xl:col-span-7">
        <Button type="submit">
          <Filter aria-hidden />
          {t("logs.apply")}
        </Button>
        <Button asChild variant="ghost">
          <Link to={AUDIT_PATH}>{t("logs.reset")}</Link>
        </Button>
      </div>
    </Form>
  );
}

/** The top-level fields whose value differs (an update's what, at a glance); "updatedAt" is noise. */
function changedFields(before: unknown, after: unknown): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => k !== "updatedAt");
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).slice(0, 20);
}

/** Before and after, side by side, as formatted JSON (the hub already bounded and masked them). */
function Change({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useI18n();
  const show = (v: unknown) => (v === null || v === undefined ? "—" : JSON.stringify(v, null, 2));
  const changed = changedFields(before, after);
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-muted-foreground">
        {t("audit.showChange")}
        {changed.length ? <span className="ml-2">{t("audit.changedFields", { fields: changed.join(", ") })}</span> : null}
      </summary>
      <div className="mt-2 grid gap-2 md:grid-cols-2">
        <div>
          <div className="mb-1 font-medium">{t("audit.before")}</div>
          <pre className="max-h-72 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2">{show(before)}</pre>
        </div>
        <div>
          <div className="mb-1 font-medium">{t("audit.after")}</div>
          <pre className="max-h-72 overflow-auto whitespace-pre-wrap break-all rounded bg-muted p-2">{show(after)}</pre>
        </div>
      </div>
    </details>
  );
}

export default function AuditPage() {
  const { filters, list, options } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  return (
    <>
      <PageHeader title={t("audit.title")} description={t("audit.subtitle")} />
      <Card className="mb-4">
        <CardContent className="pt-5">
          <Filters filters={filters} options={options} />
        </CardContent>
      </Card>
      <Card>
        <CardContent className="p-0">
          <Table aria-label={t("audit.title")}>
            <TableHeader>
              <TableRow>
                <TableHead className="w-44">{t("audit.when")}</TableHead>
                <TableHead className="w-40">{t("audit.actor")}</TableHead>
                <TableHead className="w-48">{t("audit.action")}</TableHead>
                <TableHead>{t("audit.entity")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.items.length === 0 ? <TableEmpty colSpan={4}>{t("audit.empty")}</TableEmpty> : null}
              {list.items.map((item) => (
                <TableRow key={item.id} className="align-top">
                  <TableCell className="whitespace-nowrap tabular-nums">{fmt.dateTime(item.createdAt)}</TableCell>
                  <TableCell>
                    <div>{item.actorType === "admin" ? t("audit.actorAdmin") : item.actorType === "system" ? t("audit.actorSystem") : (item.actorName ?? `#${item.actorUserId}`)}</div>
                    {item.actorIp ? <div className="font-mono text-xs text-muted-foreground">{item.actorIp}</div> : null}
                  </TableCell>
                  <TableCell>
                    {/* The code stays on hover: it is what the API and the filter carry. */}
                    <Badge variant="outline" title={item.action}>
                      {auditActionLabel(item.action, t)}
                    </Badge>
                    {item.success ? null : <Badge variant="danger">{t("audit.failed")}</Badge>}
                  </TableCell>
                  <TableCell className="max-w-2xl">
                    <div className="mb-1 text-xs" title={item.targetType ?? undefined}>
                      {item.targetType ? auditTargetLabel(item.targetType, t) : "—"}
                      {item.targetId ? <span className="font-mono">{` #${item.targetId}`}</span> : null}
                    </div>
                    <Change before={item.before} after={item.after} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className="flex justify-end gap-2 border-t p-3">
            {filters.cursor ? (
              <Button asChild variant="ghost" size="sm">
                <Link to={`${AUDIT_PATH}${auditFiltersToSearch({ ...filters, cursor: undefined })}`}>{t("audit.newest")}</Link>
              </Button>
            ) : null}
            {list.nextCursor ? (
              <Button asChild variant="outline" size="sm">
                <Link to={`${AUDIT_PATH}${auditFiltersToSearch({ ...filters, cursor: list.nextCursor })}`}>
                  {t("audit.older")}
                  <ChevronRight aria-hidden />
                </Link>
              </Button>
            ) : null}
          </div>
        </CardContent>
      </Card>
    </>
  );
}
