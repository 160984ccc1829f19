import { Form } from "@remix-run/react";
import { LogOut } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { Button } from "../ui/button.tsx";

/** Logging out is a POST (a link could be prefetched or followed by a crawler). On phones only the icon shows. */
export function LogoutButton() {
  const { t } = useI18n();
  return (
    <Form method="post" action="/logout">
      <Button type="submit" variant="outline" size="sm" aria-label={t("nav.logout")}>
        <LogOut aria-hidden />
        <span className="hidden sm:inline">{t("nav.logout")}</span>
      </Button>
    </Form>
  );
}
