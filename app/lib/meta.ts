/** Page titles in the viewer's language, for route `meta` exports. */
import type { MetaDescriptor } from "@remix-run/node";
import { DEFAULT_LANG, isLang, translate, type MessageKey } from "~/i18n/index.ts";

interface MatchLike {
  id: string;
  data?: unknown;
}

/** "<page> · Claude Code Hub", translated with the language from the root loader. */
export function pageTitle(matches: ReadonlyArray<MatchLike | undefined>, page?: MessageKey): MetaDescriptor[] {
  const root = matches.find((m) => m?.id === "root")?.data as { lang?: unknown } | undefined;
  const lang = isLang(root?.lang) ? root.lang : DEFAULT_LANG;
  const app = translate(lang, "app.name");
  return [{ title: page ? `${translate(lang, page)} · ${app}` : app }];
}
