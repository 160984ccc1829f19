/** /dashboard/logs: filtered, paginated request log; /dashboard/logs/<requestId> opens one request over it. */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Outlet, useLoaderData } from "@remix-run/react";
import { LogFiltersBar } from "~/components/logs/log-filters.tsx";
import { LogsTable } from "~/components/logs/logs-table.tsx";
import { Pagination } from "~/components/logs/pagination.tsx";
import { PageHeader } from "~/components/shell/app-shell.tsx";
import { Card, CardContent } from "~/components/ui/card.tsx";
import { Download } from "lucide-react";
import { Button } from "~/components/ui/button.tsx";
import { DEFAULT_PAGE_SIZE, logFiltersToSearch, parseLogFilters } from "~/forms/log-filters.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { query, requireDashboard } from "~/lib/guards.server.ts";
import { pageTitle } from "~/lib/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.logs");

const LOGS_PATH = "/dashboard/logs";

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireDashboard(context);
  const filters = parseLogFilters(new URL(request.url).searchParams);
  // logs.list is scoped by the hub: a non-admin only ever gets their own requests.
  const [list, options] = await Promise.all([query(context.trpc.logs.list(filters)), query(context.trpc.logs.filterOptions({}))]);
  return { filters, list, options };
}

export default function LogsPage() {
  const { filters, list, options } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  return (
    <>
      <PageHeader
        title={t("logs.title")}
        description={t("logs.subtitle")}
        actions={
          // Same filters, every page: streamed by the hub (GET /api/logs/export.csv), members get their own rows.
          <Button asChild variant="outline">
            <a href={`/api/logs/export.csv${logFiltersToSearch({ ...filters, page: 1, pageSize: DEFAULT_PAGE_SIZE })}`} download title={t("logs.exportHint")}>
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
      <Card>
        <CardContent className="p-0">
          <LogsTable rows={list.items} detailBase={LOGS_PATH} />
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} />
        </CardContent>
      </Card>
      <Outlet />
    </>
  );
}
