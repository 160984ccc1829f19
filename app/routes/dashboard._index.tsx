/**
 * /dashboard: requests, tokens, cost and error rate over today / 7 days / 30 days (?span=),
 * split by model or provider (?split=), the top users, models and providers, and what is live.
 * Members see their own figures only (overview.get decides).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Activity, AlertTriangle, Coins, Hash, Radio } from "lucide-react";
import { z } from "zod";
import { PALETTE, TimeChart } from "~/components/ops/time-chart.tsx";
import { SegmentedLinks } from "~/components/ops/segmented-links.tsx";
import { StatCard } from "~/components/overview/stat-card.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { query, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.overview");

const SPANS = ["today", "7d", "30d"] as const;
const SPLITS = ["model", "provider"] as const;

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireDashboard(context);
  const params = new URL(request.url).searchParams;
  const span = z.enum(SPANS).catch("today").parse(params.get("span"));
  const split = z.enum(SPLITS).catch("model").parse(params.get("split"));
  return query(context.trpc.overview.get({ span, split }));
}

type Top = ReturnType<typeof useLoaderData<typeof loader>>["top"]["users"];

function TopTable({ title, rows, empty }: { title: string; rows: Top; empty: string }) {
  const { t, fmt } = useI18n();
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{t("ops.byCost")}</CardDescription>
      </CardHeader>
      <CardContent>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t("ops.name")}</TableHead>
              <TableHead className="text-right">{t("ops.requests")}</TableHead>
              <TableHead className="text-right">{t("ops.cost")}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.length === 0 ? <TableEmpty colSpan={3}>{empty}</TableEmpty> : null}
            {rows.map((r) => (
              <TableRow key={r.id}>
                <TableCell className="max-w-48 truncate font-medium" title={r.name}>
                  {r.name}
                </TableCell>
                <TableCell className="text-right tabular-nums">{fmt.integer(r.requests)}</TableCell>
                <TableCell className="text-right tabular-nums">{fmt.money(r.costUsd)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

export default function OverviewPage() {
  const data = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  const { totals, timezone, restricted, live } = data;
  const today = data.span === "today";
  const noUsage = today ? t("overview.noUsageToday") : t("ops.noUsage");
  const granularity = data.step === "day" ? "day" : data.span === "7d" ? "dayhour" : "hour";
  const spanLabel: Record<(typeof SPANS)[number], MessageKey> = { today: "ops.span.today", "7d": "ops.span.7d", "30d": "ops.span.30d" };
  const series = data.series.map((p) => ({ at: p.at, requests: p.requests, errors: p.errors, costUsd: p.costUsd }));
  const splitData = data.split.series.map((p) => {
    const row: Record<string, number | string> = { at: p.at };
    for (const k of data.split.keys) row[`k${k.id}`] = p.values[k.id]?.costUsd ?? 0;
    return row;
  });

  return (
    <>
      <PageHeader
        title={t("overview.title")}
        description={t(restricted ? "ops.overview.subtitleMine" : "ops.overview.subtitle", { timezone })}
        actions={<SegmentedLinks param="span" value={data.span} label={t("ops.period")} segments={SPANS.map((s) => ({ value: s, label: t(spanLabel[s]) }))} />}
      />
      <section aria-label={t(spanLabel[data.span])} className="grid gap-4 sm:grid-cols-2 xl:grid-cols-5">
        <StatCard label={today ? t("overview.requestsToday") : t("ops.requests")} value={fmt.integer(totals.requests)} icon={Activity} />
        <StatCard label={today ? t("overview.costToday") : t("ops.cost")} value={fmt.money(totals.costUsd)} icon={Coins} />
        <StatCard
          label={today ? t("overview.tokensToday") : t("ops.tokens")}
          value={fmt.compact(totals.tokens)}
          detail={t("overview.tokensDetail", { input: fmt.integer(totals.inputTokens), output: fmt.integer(totals.outputTokens), cache: fmt.integer(totals.cacheTokens) })}
          icon={Hash}
        />
        <StatCard label={t("ops.errorRate")} value={fmt.percent(totals.errorRate)} detail={t("ops.errorsCount", { count: fmt.integer(totals.errors) })} icon={AlertTriangle} />
        {live ? (
          <StatCard
            label={t("ops.live")}
            value={fmt.integer(live.inFlightRequests)}
            detail={t("ops.liveDetail", { sessions: fmt.integer(live.activeSessions) })}
            icon={Radio}
          />
        ) : null}
      </section>

      <Card className="mt-6">
        <CardHeader>
          <CardTitle>{t("ops.overview.trafficTitle")}</CardTitle>
          <CardDescription>{t("ops.overview.trafficSubtitle")}</CardDescription>
        </CardHeader>
        <CardContent>
          <TimeChart
            label={t("ops.overview.trafficTitle")}
            data={series}
            timeZone={timezone}
            granularity={granularity}
            integer
            format={(v) => fmt.integer(v)}
            formatRight={(v) => fmt.moneyShort(v)}
            series={[
              { key: "requests", name: t("ops.requests"), color: PALETTE[0]!, kind: "bar" },
              { key: "errors", name: t("ops.errors"), color: PALETTE[4]!, kind: "bar" },
              { key: "costUsd", name: t("ops.cost"), color: PALETTE[1]!, kind: "line", axis: "right" },
            ]}
          />
        </CardContent>
      </Card>

      {restricted ? (
        <div className="mt-6 grid gap-4 xl:grid-cols-3">
          <TopTable title={t("ops.yourUsage")} rows={data.top.users} empty={noUsage} />
        </div>
      ) : (
        <>
          <Card className="mt-6">
            <CardHeader className="flex-row flex-wrap items-start justify-between gap-4">
              <div>
                <CardTitle>{t("ops.overview.splitTitle")}</CardTitle>
                <CardDescription>{t("ops.overview.splitSubtitle")}</CardDescription>
              </div>
              <SegmentedLinks
                param="split"
                value={data.split.by}
                label={t("ops.overview.splitBy")}
                segments={[
                  { value: "model", label: t("ops.models") },
                  { value: "provider", label: t("ops.providers") },
                ]}
              />
            </CardHeader>
            <CardContent>
              <TimeChart
                label={t("ops.overview.splitTitle")}
                data={splitData}
                timeZone={timezone}
                granularity={granularity}
                format={(v) => fmt.moneyShort(v)}
                series={data.split.keys.map((k, i) => ({ key: `k${k.id}`, name: k.id === "other" ? t("ops.other") : k.name, color: PALETTE[i % PALETTE.length]!, kind: "bar", stack: "split" }))}
              />
            </CardContent>
          </Card>
          <div className="mt-6 grid gap-4 xl:grid-cols-3">
            <TopTable title={t("ops.topUsers")} rows={data.top.users} empty={noUsage} />
            <TopTable title={t("ops.topModels")} rows={data.top.models} empty={noUsage} />
            <TopTable title={t("ops.topProviders")} rows={data.top.providers} empty={noUsage} />
          </div>
        </>
      )}
    </>
  );
}
