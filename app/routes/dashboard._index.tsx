/** /dashboard: today's totals, the last 7 days, and today's top users (own usage for non-admins). */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Activity, AlertTriangle, Coins, Hash } from "lucide-react";
import { StatCard } from "~/components/overview/stat-card.tsx";
import { UsageChart } from "~/components/overview/usage-chart.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card.tsx";
import { Table, TableBody, TableCell, TableEmpty, TableHead, TableHeader, TableRow } from "~/components/ui/table.tsx";
import { useI18n } from "~/i18n/use-i18n.ts";
import { query, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.overview");

const DAYS = 7;

export async function loader({ context }: LoaderFunctionArgs) {
  requireDashboard(context);
  return query(context.trpc.stats.overview({ days: DAYS }));
}

export default function OverviewPage() {
  const { today, series, topUsers, timezone } = useLoaderData<typeof loader>();
  const { t, fmt } = useI18n();
  const tokens = today.inputTokens + today.outputTokens + today.cacheReadTokens + today.cacheCreationTokens;

  return (
    <>
      <PageHeader title={t("overview.title")} description={t("overview.subtitle", { timezone })} />
      <section aria-label={t("overview.today")} className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <StatCard label={t("overview.requestsToday")} value={fmt.integer(today.requests)} icon={Activity} />
        <StatCard label={t("overview.costToday")} value={fmt.money(today.costUsd)} icon={Coins} />
        <StatCard
          label={t("overview.tokensToday")}
          value={fmt.compact(tokens)}
          detail={t("overview.tokensDetail", {
            input: fmt.integer(today.inputTokens),
            output: fmt.integer(today.outputTokens),
            cache: fmt.integer(today.cacheReadTokens + today.cacheCreationTokens),
          })}
          icon={Hash}
        />
        <StatCard label={t("overview.errorsToday")} value={fmt.integer(today.errors)} icon={AlertTriangle} />
      </section>
      <div className="mt-6 grid gap-4 xl:grid-cols-3">
        <Card className="xl:col-span-2">
          <CardHeader>
            <CardTitle>{t("overview.chartTitle")}</CardTitle>
            <CardDescription>{t("overview.chartSubtitle", { days: DAYS })}</CardDescription>
          </CardHeader>
          <CardContent>
            <UsageChart series={series} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>{t("overview.topUsers")}</CardTitle>
            <CardDescription>{t("overview.topUsersSubtitle")}</CardDescription>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>{t("common.user")}</TableHead>
                  <TableHead className="text-right">{t("overview.requests")}</TableHead>
                  <TableHead className="text-right">{t("overview.cost")}</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {topUsers.length === 0 ? <TableEmpty colSpan={3}>{t("overview.noUsageToday")}</TableEmpty> : null}
                {topUsers.map((user) => (
                  <TableRow key={user.userId}>
                    <TableCell className="font-medium">{user.userName}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.integer(user.requests)}</TableCell>
                    <TableCell className="text-right tabular-nums">{fmt.money(user.costUsd)}</TableCell>
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
