/** The dashboard frame: navigation (a sidebar, a drawer on phones; only pages that exist; Providers, Availability and Settings for admins), who is logged in, theme, language, API docs, logout. */
import * as DialogPrimitive from "@radix-ui/react-dialog";
import { NavLink, useLocation } from "@remix-run/react";
import { BookOpen, ClipboardList, Gauge, HeartPulse, LayoutDashboard, Menu, MessagesSquare, ScrollText, Server, Settings, Trophy, Users, X, type LucideIcon } from "lucide-react";
import { useEffect, useState } from "react";
import type { MessageKey } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { cn } from "~/lib/utils.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { LanguageSwitch } from "./language-switch.tsx";
import { LogoutButton } from "./logout-button.tsx";
import { ThemeToggle } from "./theme-toggle.tsx";

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
  { to: "/dashboard/sessions", label: "nav.sessions", icon: MessagesSquare },
  { to: "/dashboard/leaderboard", label: "nav.leaderboard", icon: Trophy },
  { to: "/dashboard/availability", label: "nav.availability", icon: HeartPulse, adminOnly: true },
  { to: "/dashboard/settings", label: "nav.settings", icon: Settings, adminOnly: true },
  { to: "/dashboard/audit", label: "nav.audit", icon: ClipboardList, adminOnly: true },
];

export interface AppShellProps {
  siteTitle: string;
  userName: string;
  isAdmin: boolean;
  children: React.ReactNode;
}

function NavLinks({ items, onNavigate }: { items: NavItem[]; onNavigate?: () => void }) {
  const { t } = useI18n();
  return (
    <nav aria-label={t("nav.main")} className="grid gap-1 p-3">
      {items.map((item) => (
        <NavLink
          key={item.to}
          to={item.to}
          end={item.end}
          prefetch="intent"
          onClick={onNavigate}
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
  );
}

/** Who is logged in, with their role. */
function Who({ userName, isAdmin }: { userName: string; isAdmin: boolean }) {
  const { t } = useI18n();
  return (
    <span className="flex min-w-0 items-center gap-2 text-sm">
      <span className="sr-only">{t("shell.loggedInAs")}</span>
      <span className="truncate font-medium">{userName}</span>
      <Badge variant={isAdmin ? "default" : "secondary"}>{isAdmin ? t("role.admin") : t("role.user")}</Badge>
    </span>
  );
}

/**
 * Phones get the navigation in a drawer (a top bar of links squeezed to 390 px showed none of
 * them); it closes itself when a link is followed.
 */
function NavDrawer({ siteTitle, items, userName, isAdmin }: { siteTitle: string; items: NavItem[]; userName: string; isAdmin: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const location = useLocation();
  // Back/forward also closes it.
  useEffect(() => setOpen(false), [location.pathname]);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label={t("shell.openMenu")}>
          <Menu aria-hidden />
        </Button>
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-50 bg-black/50" />
        <DialogPrimitive.Content className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col border-r bg-background shadow-lg">
          <div className="flex h-14 items-center justify-between border-b px-5">
            <DialogPrimitive.Title className="truncate font-semibold">{siteTitle}</DialogPrimitive.Title>
            <DialogPrimitive.Close asChild>
              <Button variant="ghost" size="icon" aria-label={t("common.close")}>
                <X aria-hidden />
              </Button>
            </DialogPrimitive.Close>
          </div>
          <DialogPrimitive.Description className="sr-only">{t("nav.main")}</DialogPrimitive.Description>
          <NavLinks items={items} onNavigate={() => setOpen(false)} />
          <div className="mt-auto grid gap-3 border-t p-4">
            <Who userName={userName} isAdmin={isAdmin} />
            <LanguageSwitch />
            <a href={API_DOCS} className="flex items-center gap-2 text-sm text-muted-foreground hover:text-foreground">
              <BookOpen className="size-4" aria-hidden />
              {t("shell.apiDocs")}
            </a>
          </div>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

/** The hub's REST reference (Swagger UI over the same procedures the dashboard calls). */
const API_DOCS = "/api/actions/docs";

export function AppShell({ siteTitle, userName, isAdmin, children }: AppShellProps) {
  const { t } = useI18n();
  const items = NAV.filter((item) => isAdmin || !item.adminOnly);
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-56 shrink-0 border-r bg-muted/40 md:block">
        <div className="flex h-14 items-center border-b px-5 font-semibold">{siteTitle}</div>
        <NavLinks items={items} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-between gap-2 border-b px-2 md:gap-4 md:px-6">
          <div className="flex min-w-0 items-center gap-1">
            <NavDrawer siteTitle={siteTitle} items={items} userName={userName} isAdmin={isAdmin} />
            <span className="truncate font-semibold md:hidden">{siteTitle}</span>
          </div>
          <div className="flex shrink-0 items-center gap-1 md:gap-3">
            <a href={API_DOCS} className="hidden items-center gap-1 text-sm text-muted-foreground hover:text-foreground lg:flex">
              <BookOpen className="size-4" aria-hidden />
              {t("shell.apiDocs")}
            </a>
            <ThemeToggle />
            <LanguageSwitch className="hidden md:flex" />
            <span className="hidden md:flex">
              <Who userName={userName} isAdmin={isAdmin} />
            </span>
            <LogoutButton />
          </div>
        </header>
        <main className="min-w-0 flex-1 p-3 md:p-6">{children}</main>
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
      {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}
