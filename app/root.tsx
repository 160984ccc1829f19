import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useLoaderData, useRevalidator, useRouteLoaderData } from "@remix-run/react";
import { useEffect } from "react";
import { ErrorPage } from "~/components/error-page.tsx";
import { DEFAULT_LANG, isLang, negotiateLang } from "~/i18n/index.ts";
import type { RootData } from "~/i18n/use-i18n.ts";
import { isTheme, LANG_COOKIE, parseCookies, preferenceCookie, THEME_COOKIE, TZ_COOKIE } from "~/lib/cookies.ts";
import { safeTimeZone } from "~/lib/format.ts";
import { pageTitle } from "~/lib/meta.ts";
import stylesheet from "~/tailwind.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.ico" },
];

export const meta: MetaFunction = ({ matches }) => pageTitle(matches);

/**
 * The viewer's preferences, from cookies: language (on a first visit, the browser's
 * Accept-Language), time zone and colour scheme; the hub's display currency.
 */
export async function loader({ request, context }: LoaderFunctionArgs): Promise<RootData> {
  const cookies = parseCookies(request.headers.get("Cookie"));
  const lang = isLang(cookies[LANG_COOKIE]) ? cookies[LANG_COOKIE] : negotiateLang(request.headers.get("Accept-Language"));
  const theme = isTheme(cookies[THEME_COOKIE]) ? cookies[THEME_COOKIE] : "light";
  const display = await context.trpc.settings.display({});
  return { lang, timeZone: safeTimeZone(cookies[TZ_COOKIE]), currency: { code: display.currency, rate: display.rate }, theme };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang={data?.lang ?? DEFAULT_LANG} className={data?.theme === "dark" ? "dark" : undefined}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen">
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/**
 * Dates are rendered in the zone the root loader reports. The first visit has no cookie yet
 * (UTC); the browser then stores its zone and reloads the data once.
 */
function useBrowserTimeZone(current: string) {
  const revalidator = useRevalidator();
  useEffect(() => {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!browserZone || safeTimeZone(browserZone) === current) return;
    document.cookie = preferenceCookie(TZ_COOKIE, browserZone);
    revalidator.revalidate();
    // Only when the zone in the loader data changes (revalidator is a new object every render).
  }, [current]);
}

export default function App() {
  const { timeZone } = useLoaderData<typeof loader>();
  useBrowserTimeZone(timeZone);
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
