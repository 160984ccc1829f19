/**
 * /dashboard/sessions (manual §7.3): sessions active within SESSION_TTL (?scope=active) or in
 * the last day (?scope=recent); per-provider distribution and concurrency (admins); a session's
 * requests (?key=&session=) linking to their log details; "unbind" (admins).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { z } from "zod";
import { SegmentedLinks } from "~/components/ops/segmented-links.tsx";
import { legendText, PALETTE } from "~/components/ops/time-chart.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Button } from "~/components/ui/button.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { useI18n } from "~/i18n/use-i18n.ts";
import type { ActionResult } from "~/lib/action-result.ts";
import { isAdminViewer, mutate, query, requireAdmin, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";
import { useHydrated } from "~/lib/use-hydrated.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.sessions");

const SCOPES = ["active", "recent"] as const;
const PAGE_SIZE = 50;

const selection = z.object({ keyId: z.coerce.number().int().min(1), sessionId: z.string().min(1).max(200) });

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const admin = isAdminViewer(viewer);
  const params = new URL(request.url).searchParams;
  const scope = z.enum(SCOPES).catch("active").parse(params.get("scope"));
  const page = z.coerce.number().int().min(1).max(1000).catch(1).parse(params.get("page") ?? 1);
  const picked = selection.safeParse({ keyId: params.get("key"), sessionId: params.get("session") });
  const [list, distribution, requests] = await Promise.all([
    query(context.trpc.sessions.list({ scope, page, pageSize: PAGE_SIZE })),
    admin ? query(context.trpc.sessions.distribution({})) : null,
    picked.success ? query(context.trpc.sessions.requests({ ...picked.data, limit: 100 })) : null,
  ]);
  return { admin, scope, page, list, distribution, selected: picked.success ? { ...picked.data, items: requests?.items ?? [] } : null };
}

export async function action({ context, request }: ActionFunctionArgs): Promise<ActionResult> {
  requireAdmin(context);
  const form = await request.formData();
  const intent = String(form.get("intent"));
  const target = selection.safeParse({ keyId: form.get("keyId"), sessionId: form.get("sessionId") });
  if (intent !== "session-unbind" || !target.success) return { ok: false, intent, formError: "form.invalidRequest" };
  return mutate(intent, () => context.trpc.sessions.unbind(target.data).then(() => undefined));
}

type Distribution = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["distribution"]>;

function DistributionCard({ distribution }: { distribution: Distribution }) {
  const { t, fmt } = useI18n();
  const hydrated = useHydrated();
  const rows = distribution.providers.filter((p) => p.activeSessions > 0 || p.inFlightRequests > 0);
  return (
    <Card className="mb-6">
      <CardHeader>
        <CardTitle>{t("sessions.distributionTitle")}</CardTitle>
        <CardDescription>{t("sessions.distributionSubtitle", { count: fmt.integer(distribution.activeSessions) })}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6 lg:grid-cols-2">
        <figure aria-label={t("sessions.distributionTitle")} style={{ height: 220 }}>
          {hydrated ? (
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={distribution.providers} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="name" tickLine={false} axisLine={false} fontSize={12} />
                <YAxis allowDecimals={false} tickLine={false} axisLine={false} fontSize={12} width={32} />
                <Tooltip cursor={{ fill: "hsl(var(--muted))" }} />
                <Legend wrapperStyle={{ fontSize: 12 }} formatter={legendText} />
                <Bar isAnimationActive={false} dataKey="activeSessions" name={t("sessions.activeSessions")} fill={PALETTE[0]} />
                <Bar isAnimationActive={false} dataKey="inFlightRequests" name={t("sessions.inFlight")} fill={PALETTE[2]} />
              </BarChart>
            </ResponsiveContainer>
          ) : null}
        </figure>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("ops.provider")}</TableHead>
              <TableHead className="text-right">{t("sessions.activeSessions")}</TableHead>
              <TableHead className="text-right">{t("sessions.inFlight")}</TableHead>
              <TableHead className="text-right">{t("sessions.inFlightSessions")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.length === 0 ? <TableEmpty colSpan={4}>{t("sessions.nothingLive")}</TableEmpty> : null}
            {rows.map((p) => (
              <TableRow key={p.providerId}>
                <TableCell className="font-medium">{p.name}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.integer(p.activeSessions)}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.integer(p.inFlightRequests)}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.integer(p.inFlightSessions)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

export default function SessionsPage() {
  const { admin, scope, page, list, distribution, selected } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const linkWith = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    return `?${next.toString()}`;
  };
  const columns = admin ? 8 : 7;

  return (
    <>
      <PageHeader
        title={t("sessions.title")}
        description={t("sessions.subtitle", { seconds: list.activeWithinSeconds })}
        actions={
          <SegmentedLinks
            param="scope"
            value={scope}
            label={t("sessions.scope")}
            reset={["page", "key", "session"]}
            segments={[
              { value: "active", label: t("sessions.active") },
              { value: "recent", label: t("sessions.recent") },
            ]}
          />
        }
      />
      {distribution ? <DistributionCard distribution={distribution} /> : null}

      <Card>
        <CardContent className="pt-6">
          <Table aria-label={t("sessions.title")}>
            <TableHeader>
              <TableRow>
                <TableHead>{t("sessions.userKey")}</TableHead>
                <TableHead>{t("sessions.modelClient")}</TableHead>
                {admin ? <TableHead>{t("sessions.boundProvider")}</TableHead> : null}
                <TableHead className="text-right">{t("ops.requests")}</TableHead>
                <TableHead className="text-right">{t("ops.tokens")}</TableHead>
                <TableHead className="text-right">{t("ops.cost")}</TableHead>
                <TableHead>{t("sessions.lastActive")}</TableHead>
                <TableHead>
                  <span className="sr-only">{t("ops.actions")}</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.items.length === 0 ? <TableEmpty colSpan={columns}>{t(scope === "active" ? "sessions.noneActive" : "sessions.noneRecent")}</TableEmpty> : null}
              {list.items.map((s) => {
                const isSelected = selected?.keyId === s.keyId && selected.sessionId === s.sessionId;
                return (
                  <TableRow key={`${s.keyId}:${s.sessionId}`} data-state={isSelected ? "selected" : undefined}>
                    <TableCell>
                      <div className="font-medium">{s.userName ?? "—"}</div>
                      <div className="text-xs text-muted-foreground">{s.keyName ?? `#${s.keyId}`}</div>
                    </TableCell>
                    <TableCell className="max-w-48">
                      <div className="truncate" title={s.model ?? undefined}>
                        {s.model ?? "—"}
                      </div>
                      <div className="truncate text-xs text-muted-foreground" title={s.client ?? undefined}>
                        {s.client ?? "—"}
                      </div>
                    </TableCell>
                    {admin ? (
                      <TableCell>
                        {s.boundProviderName ? (
                          <Badge variant="secondary">{s.boundProviderName}</Badge>
                        ) : (
                          <span className="text-muted-foreground">{list.bindingsKnown ? t("sessions.unbound") : t("sessions.bindingUnknown")}</span>
                        )}
                      </TableCell>
                    ) : null}
                    <TableCell className="text-right tabular-nums">
                      <div>{fmt.integer(s.requests)}</div>
                      {s.failures > 0 ? <div className="whitespace-nowrap text-xs text-red-700 dark:text-red-400">{t("sessions.failed", { count: s.failures })}</div> : null}
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.compact(s.tokens)}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.money(s.costUsd)}</TableCell>
                    <TableCell className="whitespace-nowrap">
                      <div>
                        {fmt.dateTime(s.lastActiveAt)} {s.active ? <Badge variant="success">{t("sessions.activeBadge")}</Badge> : null}
                      </div>
                      <div className="text-xs text-muted-foreground">{t("sessions.startedAt", { time: fmt.dateTime(s.startedAt) })}</div>
                    </TableCell>
                    <TableCell className="whitespace-nowrap text-right">
                      <Link className="text-sm underline-offset-4 hover:underline" to={linkWith({ key: String(s.keyId), session: s.sessionId })} preventScrollReset aria-label={t("sessions.showRequestsOf", { id: s.sessionId })}>
                        {t("sessions.showRequests")}
                      </Link>
                      {admin && s.boundProviderName ? (
                        <Form method="post" className="ml-2 inline">
                          <input type="hidden" name="intent" value="session-unbind" />
                          <input type="hidden" name="keyId" value={s.keyId} />
                          <input type="hidden" name="sessionId" value={s.sessionId} />
                          <Button type="submit" variant="outline" size="sm" disabled={navigation.state !== "idle"} aria-label={t("sessions.unbindNamed", { id: s.sessionId })}>
                            {t("sessions.unbind")}
                          </Button>
                        </Form>
                      ) : null}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          <div className="mt-4 flex justify-between text-sm">
            {page > 1 ? <Link to={linkWith({ page: String(page - 1) })}>{t("ops.previous")}</Link> : <span />}
            {list.hasMore ? <Link to={linkWith({ page: String(page + 1) })}>{t("ops.next")}</Link> : null}
          </div>
        </CardContent>
      </Card>

      {selected ? (
        <Card className="mt-6">
          <CardHeader>
            <CardTitle>{t("sessions.requestsTitle")}</CardTitle>
            <CardDescription className="font-mono">{selected.sessionId}</CardDescription>
          </CardHeader>
          <CardContent>
            <Table aria-label={t("sessions.requestsTitle")}>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("ops.time")}</TableHead>
                  <TableHead>{t("ops.model")}</TableHead>
                  <TableHead>{t("ops.provider")}</TableHead>
                  <TableHead className="text-right">{t("ops.status")}</TableHead>
                  <TableHead className="text-right">{t("ops.tokens")}</TableHead>
                  <TableHead className="text-right">{t("ops.cost")}</TableHead>
                  <TableHead className="text-right">{t("ops.duration")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {selected.items.length === 0 ? <TableEmpty colSpan={7}>{t("sessions.noRequests")}</TableEmpty> : null}
                {selected.items.map((r) => (
                  <TableRow key={r.requestId}>
                    <TableCell className="whitespace-nowrap">
                      <Link className="underline-offset-4 hover:underline" to={`/dashboard/logs/${encodeURIComponent(r.requestId)}`}>
                        {fmt.dateTime(r.createdAt)}
                      </Link>
                    </TableCell>
                    <TableCell>{r.model ?? "—"}</TableCell>
                    <TableCell>{r.providerName ?? "—"}</TableCell>
                    <TableCell className="text-right">
                      <Badge variant={r.statusCode >= 400 ? "danger" : "success"}>{r.statusCode}</Badge>
                    </TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.integer(r.tokens)}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.money(r.costUsd)}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.ms(r.durationMs)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}
