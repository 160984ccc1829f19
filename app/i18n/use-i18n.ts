/** The viewer's language, translator and formatters, from the root loader's data. */
import { useRouteLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import type { Theme } from "~/lib/cookies.ts";
import { createFormatters, USD_DISPLAY, type DisplayCurrency, type Formatters } from "~/lib/format.ts";
import { DEFAULT_LANG, LOCALES, translate, translateMessage, translateServerMessage, type Lang, type MessageKey, type Vars } from "./index.ts";

/** What the root loader returns (app/root.tsx). */
export interface RootData {
  lang: Lang;
  timeZone: string;
  /** The hub's display currency and rate (absent: US dollars). */
  currency?: DisplayCurrency;
  /** The colour scheme (absent: light). */
  theme?: Theme;
}

export interface I18n {
  lang: Lang;
  locale: string;
  timeZone: string;
  t: (key: MessageKey, vars?: Vars) => string;
  /** For messages that may be dictionary keys or the hub's own text (log errors, rule descriptions). */
  tm: (message: string) => string;
  /** A message the hub answered to a form or an action: like tm, but an untranslated text is marked as such. */
  tServer: (message: string) => string;
  fmt: Formatters;
  theme: Theme;
}

export function useI18n(): I18n {
  // The root loader may be missing while the root error boundary renders.
  const data = useRouteLoaderData("root") as RootData | undefined;
  const lang = data?.lang ?? DEFAULT_LANG;
  const timeZone = data?.timeZone ?? "UTC";
  const code = data?.currency?.code ?? USD_DISPLAY.code;
  const rate = data?.currency?.rate ?? USD_DISPLAY.rate;
  const theme = data?.theme ?? "light";
  return useMemo(() => {
    const locale = LOCALES[lang];
    const fmt = createFormatters(locale, timeZone, { code, rate });
    return {
      lang,
      locale,
      timeZone,
      t: (key, vars) => translate(lang, key, vars),
      // The instants inside the hub's texts (a limit's reset, a key's expiry) read like every other date.
      tm: (message) => translateMessage(lang, message, fmt.dateTime),
      tServer: (message) => translateServerMessage(lang, message),
      fmt,
      theme,
    };
  }, [lang, timeZone, code, rate, theme]);
}
