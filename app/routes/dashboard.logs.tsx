/** /dashboard/logs: filtered, paginated request log; /dashboard/logs/<requestId> opens one request over it. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { LogFiltersBar } from "~/components/logs/log-filters.tsx";
import { LogTotalsStrip } from "~/components/logs/log-totals.tsx";
import { LogsTable } from "~/components/logs/logs-table.tsx";
import { Pagination } from "~/components/logs/pagination.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { Download } from "lucide-react";
import { Button } from "~/components/ui/button.tsx";
import { DEFAULT_PAGE_SIZE, logFiltersToSearch, parseLogFilters, toLogQuery } from "~/forms/log-filters.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { parseCookies, TZ_COOKIE } from "~/lib/cookies.ts";
import { safeTimeZone } from "~/lib/format.ts";
import { isAdminViewer, query, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.logs");

const LOGS_PATH = "/dashboard/logs";

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const filters = parseLogFilters(new URL(request.url).searchParams);
  // "Today" is the viewer's day, the same zone the dates on the page are shown in.
  const timeZone = safeTimeZone(parseCookies(request.headers.get("Cookie"))[TZ_COOKIE]);
  // logs.list is scoped by the hub: a non-admin only ever gets their own requests.
  const [list, options] = await Promise.all([
    query(context.trpc.logs.list(toLogQuery(filters, Date.now(), timeZone))),
    query(context.trpc.logs.filterOptions({})),
  ]);
  // The export gets the same rows: a quick range is resolved here, as it was for the list.
  const exportSearch = logFiltersToSearch({ ...toLogQuery(filters, Date.now(), timeZone), page: 1, pageSize: DEFAULT_PAGE_SIZE });
  return { filters, list, options, admin: isAdminViewer(viewer), exportSearch };
}

export default function LogsPage() {
  const { filters, list, options, admin, exportSearch } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t("logs.title")}
        description={t("logs.subtitle")}
        actions={
          // Same filters, every page: streamed by the hub (GET /api/logs/export.csv), members get their own rows.
          <Button asChild variant="outline">
            <a href={`/api/logs/export.csv${exportSearch}`} download title={t("logs.exportHint")}>
              <Download aria-hidden />
              {t("logs.export")}
            </a>
          </Button>
        }
      />
      <Card className="mb-4">
        <CardContent className="pt-5">
          <LogFiltersBar filters={filters} options={options} action={LOGS_PATH} />
        </CardContent>
      </Card>
      <LogTotalsStrip totals={list.totals} cap={list.total} />
      <Card>
        <CardContent className="p-0">
          <LogsTable rows={list.items} detailBase={LOGS_PATH} showProvider={admin} />
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} capped={list.totalCapped} />
        </CardContent>
      </Card>
      <Outlet />
    </>
  );
}
