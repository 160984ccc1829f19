/** /dashboard/*: the shell around every dashboard page, for admins and keys with dashboard access. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { ErrorPage } from "~/components/error-page.tsx";
import { AppShell } from "~/components/shell/app-shell.tsx";
import { isAdminViewer, query, requireDashboard } from "~/lib/guards.server.ts";

export async function loader({ context }: LoaderFunctionArgs) {
  const viewer = requireDashboard(context);
  const session = await query(context.trpc.me.session({}));
  return {
    siteTitle: session.siteTitle,
    userName: session.userName ?? "—",
    isAdmin: isAdminViewer(viewer),
  };
}

export default function DashboardLayout() {
  const { siteTitle, userName, isAdmin } = useLoaderData<typeof loader>();
  return (
    <AppShell siteTitle={siteTitle} userName={userName} isAdmin={isAdmin}>
      <Outlet />
    </AppShell>
  );
}

/** 403, 404 and failures of a dashboard page are shown inside the frame, with the navigation. */
export function ErrorBoundary() {
  const data = useRouteLoaderData<typeof loader>("routes/dashboard");
  if (!data) return <ErrorPage />;
  return (
    <AppShell siteTitle={data.siteTitle} userName={data.userName} isAdmin={data.isAdmin}>
      <ErrorPage inShell />
    </AppShell>
  );
}
