/**
 * /dashboard/availability (manual §7.5, admins): per provider or model (?dimension=) over the
 * last hour / 24 h / 7 days (?span=): success rate, TTFB and duration p50/p95/p99, failures by
 * error class, charts over time; and each provider's breaker now with its recent changes.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { SegmentedLinks } from "~/components/ops/segmented-links.tsx";
import { PALETTE, TimeChart } from "~/components/ops/time-chart.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Badge } from "~/components/ui/badge.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { errorTypeLabel } from "~/lib/hub-messages.ts";
import { query, requireAdmin } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.availability");

const SPANS = ["1h", "24h", "7d"] as const;
/** Members drawn in the charts (the busiest); the table lists all. */
const CHARTED = 6;

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireAdmin(context);
  const params = new URL(request.url).searchParams;
  const span = z.enum(SPANS).catch("24h").parse(params.get("span"));
  const dimension = z.enum(["provider", "model"]).catch("provider").parse(params.get("dimension"));
  const [availability, breakers] = await Promise.all([query(context.trpc.availability.get({ span, dimension })), query(context.trpc.availability.breakers({}))]);
  return { span, dimension, availability, breakers: breakers.items };
}

const STATE_LABEL: Record<string, MessageKey> = { closed: "availability.closed", open: "availability.open", half_open: "availability.halfOpen" };
const STATE_VARIANT: Record<string, "success" | "danger" | "warning"> = { closed: "success", open: "danger", half_open: "warning" };

export default function AvailabilityPage() {
  const { span, dimension, availability, breakers } = useLoaderData<typeof loader>();
  // Rolling windows, not calendar ones: the viewer's own clock reads best.
  const { t, fmt, timeZone } = useI18n();
  const charted = availability.items.slice(0, CHARTED);
  const steps = availability.steps;
  const chartRows = (pick: (p: (typeof charted)[number]["series"][number]) => number | null) =>
    steps.map((at) => {
      const row: Record<string, string | number | null> = { at };
      charted.forEach((item, i) => {
        const p = item.series.find((s) => s.at === at);
        row[`m${i}`] = p ? pick(p) : null;
      });
      return row;
    });
  const lines = charted.map((item, i) => ({ key: `m${i}`, name: item.name, color: PALETTE[i % PALETTE.length]!, kind: "line" as const }));
  const granularity = span === "7d" ? "dayhour" : span === "24h" ? "hour" : "minute";
  const spanLabel: Record<(typeof SPANS)[number], MessageKey> = { "1h": "availability.span.1h", "24h": "availability.span.24h", "7d": "availability.span.7d" };

  return (
    <>
      <PageHeader
        title={t("availability.title")}
        description={t("availability.subtitle")}
        actions={<SegmentedLinks param="span" value={span} label={t("ops.period")} segments={SPANS.map((s) => ({ value: s, label: t(spanLabel[s]) }))} />}
      />
      <div className="mb-4">
        <SegmentedLinks
          param="dimension"
          value={dimension}
          label={t("availability.per")}
          segments={[
            { value: "provider", label: t("ops.providers") },
            { value: "model", label: t("ops.models") },
          ]}
        />
      </div>

      <Card>
        <CardContent className="pt-6">
          <Table aria-label={t("availability.title")}>
            <TableHeader>
              <TableRow>
                <TableHead>{dimension === "provider" ? t("ops.provider") : t("ops.model")}</TableHead>
                <TableHead className="text-right">{t("availability.successRate")}</TableHead>
                <TableHead className="text-right">{t("ops.requests")}</TableHead>
                <TableHead className="text-right">{t("availability.ttfb")}</TableHead>
                <TableHead className="text-right">{t("availability.duration")}</TableHead>
                <TableHead>{t("availability.errorClasses")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {availability.items.length === 0 ? <TableEmpty colSpan={6}>{t("availability.noTraffic")}</TableEmpty> : null}
              {availability.items.map((item) => (
                <TableRow key={item.ref}>
                  <TableCell className="max-w-56 truncate font-medium" title={item.name}>
                    {item.name}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    <Badge variant={item.successRate === null ? "muted" : item.successRate >= 0.99 ? "success" : item.successRate >= 0.9 ? "warning" : "danger"}>{fmt.percent(item.successRate)}</Badge>
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {fmt.integer(item.served)}
                    {item.failures > 0 ? <span className="ml-1 text-xs text-red-700 dark:text-red-400">({t("sessions.failed", { count: item.failures })})</span> : null}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums" title="p50 / p95 / p99">
                    {fmt.ms(item.ttfbMs.p50)} / {fmt.ms(item.ttfbMs.p95)} / {fmt.ms(item.ttfbMs.p99)}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums" title="p50 / p95 / p99">
                    {fmt.ms(item.durationMs.p50)} / {fmt.ms(item.durationMs.p95)} / {fmt.ms(item.durationMs.p99)}
                  </TableCell>
                  <TableCell>
                    <div className="flex flex-wrap gap-1">
                      {item.errors.length === 0 ? <span className="text-muted-foreground">—</span> : null}
                      {item.errors.slice(0, 4).map((e) => (
                        <Badge key={e.errorClass} variant="outline" title={e.errorClass}>
                          {errorTypeLabel(e.errorClass, t)} × {fmt.integer(e.count)}
                        </Badge>
                      ))}
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <p className="mt-2 text-xs text-muted-foreground">{t("availability.percentileNote")}</p>
        </CardContent>
      </Card>

      {charted.length ? (
        <div className="mt-6 grid gap-4 xl:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>{t("availability.successChart")}</CardTitle>
              <CardDescription>{t("availability.chartSubtitle", { count: charted.length })}</CardDescription>
            </CardHeader>
            <CardContent>
              <TimeChart label={t("availability.successChart")} data={chartRows((p) => p.successRate)} series={lines} timeZone={timeZone} granularity={granularity} format={(v) => fmt.percent(v)} />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>{t("availability.latencyChart")}</CardTitle>
              <CardDescription>{t("availability.chartSubtitle", { count: charted.length })}</CardDescription>
            </CardHeader>
            <CardContent>
              <TimeChart label={t("availability.latencyChart")} data={chartRows((p) => p.p95DurationMs)} series={lines} timeZone={timeZone} granularity={granularity} format={(v) => fmt.ms(v)} />
            </CardContent>
          </Card>
        </div>
      ) : null}

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>{t("availability.breakersTitle")}</CardTitle>
          <CardDescription>{t("availability.breakersSubtitle")}</CardDescription>
        </CardHeader>
        <CardContent>
          <Table aria-label={t("availability.breakersTitle")}>
            <TableHeader>
              <TableRow>
                <TableHead>{t("ops.provider")}</TableHead>
                <TableHead>{t("availability.stateNow")}</TableHead>
                <TableHead className="text-right">{t("availability.failures")}</TableHead>
                <TableHead>{t("availability.history")}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {breakers.length === 0 ? <TableEmpty colSpan={4}>{t("availability.noProviders")}</TableEmpty> : null}
              {breakers.map((b) => (
                <TableRow key={b.providerId}>
                  <TableCell className="font-medium">{b.name}</TableCell>
                  <TableCell>
                    <Badge variant={STATE_VARIANT[b.state] ?? "muted"}>{t(STATE_LABEL[b.state] ?? "availability.closed")}</Badge>
                    {b.openUntil ? <span className="ml-2 text-xs text-muted-foreground">{t("availability.openUntil", { time: fmt.dateTime(b.openUntil) })}</span> : null}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{fmt.integer(b.failures)}</TableCell>
                  <TableCell>
                    {b.history.length === 0 ? <span className="text-muted-foreground">{t("availability.noChanges")}</span> : null}
                    <ul className="grid gap-0.5 text-xs">
                      {b.history.slice(0, 5).map((h) => (
                        <li key={`${h.at}-${h.to}`}>
                          <span className="tabular-nums">{fmt.dateTime(h.at)}</span> · {t(STATE_LABEL[h.from] ?? "availability.closed")} → {t(STATE_LABEL[h.to] ?? "availability.closed")}
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </>
  );
}
