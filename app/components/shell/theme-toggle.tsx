/** Light/dark switch: a POST to /theme (works without JavaScript), remembered in the `theme` cookie. */
import { Form, useLocation } from "@remix-run/react";
import { Moon, Sun } from "lucide-react";
import { useI18n } from "~/i18n/use-i18n.ts";
import { Button } from "../ui/button.tsx";

export function ThemeToggle() {
  const { t, theme } = useI18n();
  const location = useLocation();
  const next = theme === "dark" ? "light" : "dark";
  return (
    <Form method="post" action="/theme">
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <Button type="submit" name="theme" value={next} variant="ghost" size="icon" aria-label={next === "dark" ? t("shell.themeDark") : t("shell.themeLight")}>
        {theme === "dark" ? <Sun aria-hidden /> : <Moon aria-hidden />}
      </Button>
    </Form>
  );
}
