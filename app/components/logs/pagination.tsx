/** "1–50 of 120" with previous/next links that keep the current filters. */
import { Link, useLocation } from "@remix-run/react";
import { ChevronLeft, ChevronRight } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { Button } from "../ui/button.tsx";

/** `capped`: more rows match than `total` (the list stops counting there); shown as "10,000+". */
export function Pagination({ page, pageSize, total, capped = false }: { page: number; pageSize: number; total: number; capped?: boolean }) {
  const { t, fmt } = useI18n();
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);

  const hrefFor = (target: number) => {
    const params = new URLSearchParams(location.search);
    if (target <= 1) params.delete("page");
    else params.set("page", String(target));
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ""}`;
  };

  return (
    <nav aria-label={t("pagination.label")} className="flex items-center justify-between gap-4 px-3 py-3 text-sm">
      <p className="text-muted-foreground">
        {t("pagination.range", { first: fmt.integer(first), last: fmt.integer(last), total: `${fmt.integer(total)}${capped ? "+" : ""}` })}
      </p>
      <div className="flex items-center gap-2">
        <span className="text-muted-foreground">{t("pagination.page", { page, pages })}</span>
        {page > 1 ? (
          <Button asChild variant="outline" size="sm">
            <Link to={hrefFor(page - 1)} aria-label={t("pagination.previous")}>
              <ChevronLeft aria-hidden />
            </Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled aria-label={t("pagination.previous")}>
            <ChevronLeft aria-hidden />
          </Button>
        )}
        {page < pages ? (
          <Button asChild variant="outline" size="sm">
            <Link to={hrefFor(page + 1)} aria-label={t("pagination.next")}>
              <ChevronRight aria-hidden />
            </Link>
          </Button>
        ) : (
          <Button variant="outline" size="sm" disabled aria-label={t("pagination.next")}>
            <ChevronRight aria-hidden />
          </Button>
        )}
      </div>
    </nav>
  );
}
