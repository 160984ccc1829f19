/** Switches the dashboard language (the `lang` cookie, via the /lang action) and comes back here. */
import { Form, useLocation } from "@remix-run/react";
import { Languages } from "lucide-react";
import { LANGS, type Lang } from "~/i18n/index.ts";
import { useI18n } from "~/i18n/use-i18n.ts";
import { cn } from "~/lib/utils.ts";

// Each language is named in itself, so a reader who cannot read the current one finds theirs.
const NATIVE_NAMES: Record<Lang, string> = { en: "English", "zh-CN": "中文" };

export function LanguageSwitch({ className }: { className?: string }) {
  const { lang, t } = useI18n();
  const location = useLocation();
  return (
    <Form method="post" action="/lang" className={cn("flex items-center gap-1", className)} aria-label={t("lang.switch")}>
      <Languages className="size-4 text-muted-foreground" aria-hidden />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {LANGS.map((code) => (
        <button
          key={code}
          type="submit"
          name="lang"
          value={code}
          lang={code}
          aria-pressed={code === lang}
          className={cn(
            "rounded px-2 py-1 text-xs transition-colors",
            code === lang ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
          )}
        >
          {NATIVE_NAMES[code]}
        </button>
      ))}
    </Form>
  );
}
