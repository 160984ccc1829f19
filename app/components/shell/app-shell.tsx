/** The dashboard frame: navigation (only pages that exist; Providers and Settings for admins), who is logged in, language, logout. */
import { NavLink } from "@remix-run/react";
import { ClipboardList, Gauge, LayoutDashboard, ScrollText, Server, Settings, Users, type LucideIcon } from "lucide-react";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { cn } from "~/lib/utils.ts";
import { Badge } from "../ui/badge.tsx";
import { LanguageSwitch } from "./language-switch.tsx";
import { LogoutButton } from "./logout-button.tsx";

interface NavItem {
  to: string;
  label: MessageKey;
  icon: LucideIcon;
  adminOnly?: boolean;
  /** Active only on this exact path (the overview is the parent of every other page). */
  end?: boolean;
}

const NAV: NavItem[] = [
  { to: "/dashboard", label: "nav.overview", icon: LayoutDashboard, end: true },
  { to: "/dashboard/users", label: "nav.users", icon: Users },
  { to: "/dashboard/providers", label: "nav.providers", icon: Server, adminOnly: true },
  // Admins see everyone's quotas; other dashboard users see their own.
  { to: "/dashboard/quotas", label: "nav.quotas", icon: Gauge },
  { to: "/dashboard/logs", label: "nav.logs", icon: ScrollText },
  { to: "/dashboard/settings", label: "nav.settings", icon: Settings, adminOnly: true },
  { to: "/dashboard/audit", label: "nav.audit", icon: ClipboardList, adminOnly: true },
];

export interface AppShellProps {
  siteTitle: string;
  userName: string;
  isAdmin: boolean;
  children: React.ReactNode;
}

export function AppShell({ siteTitle, userName, isAdmin, children }: AppShellProps) {
  const { t } = useI18n();
  const items = NAV.filter((item) => isAdmin || !item.adminOnly);
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-56 shrink-0 border-r bg-muted/40 md:block">
        <div className="flex h-14 items-center border-b px-5 font-semibold">{siteTitle}</div>
        <nav aria-label={t("nav.main")} className="grid gap-1 p-3">
          {items.map((item) => (
            <NavLink
              key={item.to}
              to={item.to}
              end={item.end}
              prefetch="intent"
              className={({ isActive }) =>
                cn(
                  "flex items-center gap-3 rounded-md px-3 py-2 text-sm transition-colors",
                  isActive ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
                )
              }
            >
              <item.icon className="size-4" aria-hidden />
              {t(item.label)}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-between gap-4 border-b px-4 md:px-6">
          {/* Small screens have no sidebar: the same links sit in the top bar. */}
          <nav aria-label={t("nav.main")} className="flex gap-3 overflow-x-auto text-sm md:hidden">
            {items.map((item) => (
              <NavLink key={item.to} to={item.to} end={item.end} className={({ isActive }) => (isActive ? "font-semibold" : "text-muted-foreground")}>
                {t(item.label)}
              </NavLink>
            ))}
          </nav>
          <div className="hidden md:block" />
          <div className="flex items-center gap-3">
            <LanguageSwitch />
            <span className="flex items-center gap-2 text-sm">
              <span className="sr-only">{t("shell.loggedInAs")}</span>
              <span className="font-medium">{userName}</span>
              <Badge variant={isAdmin ? "default" : "secondary"}>{isAdmin ? t("role.admin") : t("role.user")}</Badge>
            </span>
            <LogoutButton />
          </div>
        </header>
        <main className="flex-1 p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}

/** The title row of a page, with its main actions on the right. */
export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: React.ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted-foreground">{description}</p> : null}
      </div>
      {actions ? <div className="flex gap-2">{actions}</div> : null}
    </div>
  );
}
