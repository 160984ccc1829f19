import { useI18n } from "~/i18n/use-i18n.ts";
import { Badge } from "../ui/badge.tsx";

/** Enabled / disabled / expired, for users and keys. */
export function StatusBadge({ enabled, expiresAt, now }: { enabled: boolean; expiresAt: string | null; now: number }) {
  const { t } = useI18n();
  if (!enabled) return <Badge variant="muted">{t("status.disabled")}</Badge>;
  if (expiresAt && new Date(expiresAt).getTime() <= now) return <Badge variant="warning">{t("status.expired")}</Badge>;
  return <Badge variant="success">{t("status.enabled")}</Badge>;
}
