/** /dashboard/logs/<requestId>: one request in a dialog over the log list (closing keeps the filters). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigate } from "@remix-run/react";
import { LogDetail } from "~/components/logs/log-detail.tsx";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "~/components/ui/dialog.tsx";
import { useI18n } from "~/i18n/use-i18n.ts";
import { isAdminViewer, query, requireDashboard } from "~/lib/guards.server.ts";
import { readCostBreakdown, readDecisionChain } from "~/lib/request-detail.ts";

export async function loader({ context, params }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const { decisionChain, costBreakdown, ...log } = await query(context.trpc.logs.get({ requestId: params.requestId ?? "" }));
  return { log, chain: readDecisionChain(decisionChain), cost: readCostBreakdown(costBreakdown), admin: isAdminViewer(viewer) };
}

export default function LogDetailDialog() {
  const { log, chain, cost, admin } = useLoaderData<typeof loader>();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const close = () => navigate(`/dashboard/logs${location.search}`, { preventScrollReset: true });

  return (
    <Dialog open onOpenChange={(open) => !open && close()}>
      <DialogContent className="max-w-4xl">
        <DialogHeader>
          <DialogTitle>{t("logs.detailTitle")}</DialogTitle>
          <DialogDescription>{t("logs.detailDescription", { model: log.model ?? "—", user: log.userName ?? "—" })}</DialogDescription>
        </DialogHeader>
        <LogDetail log={log} chain={chain} cost={cost} admin={admin} />
      </DialogContent>
    </Dialog>
  );
}
