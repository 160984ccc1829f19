/** /dashboard/settings/* (admins): the settings pages under one sub-navigation. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { requireAdmin } from "~/lib/guards.server.ts";
import { cn } from "~/lib/utils.ts";

export async function loader({ context }: LoaderFunctionArgs) {
  requireAdmin(context);
  return null;
}

const PAGES: Array<{ to: string; label: MessageKey; end?: boolean }> = [
  { to: "/dashboard/settings", label: "settings.navGeneral", end: true },
  { to: "/dashboard/settings/prices", label: "settings.navPrices" },
  { to: "/dashboard/settings/error-rules", label: "settings.navErrorRules" },
  { to: "/dashboard/settings/groups", label: "settings.navGroups" },
  { to: "/dashboard/settings/sensitive-words", label: "settings.navSensitiveWords" },
  { to: "/dashboard/settings/filters", label: "settings.navFilters" },
  { to: "/dashboard/settings/notifications", label: "settings.navNotifications" },
];

export default function SettingsLayout() {
  const { t } = useI18n();
  return (
    <>
      <nav aria-label={t("settings.nav")} className="mb-6 flex flex-wrap gap-1 border-b pb-2">
        {PAGES.map((page) => (
          <NavLink
            key={page.to}
            to={page.to}
            end={page.end}
            prefetch="intent"
            className={({ isActive }) =>
              cn("rounded-md px-3 py-1.5 text-sm transition-colors", isActive ? "bg-secondary font-medium text-secondary-foreground" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground")
            }
          >
            {t(page.label)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
