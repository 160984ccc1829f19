/** POST /theme: stores the chosen colour scheme in the `theme` cookie and returns to the page. */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isTheme, preferenceCookie, safeRedirect, THEME_COOKIE } from "~/lib/cookies.ts";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const theme = form.get("theme");
  const to = safeRedirect(form.get("redirectTo"));
  if (!isTheme(theme)) return redirect(to);
  return redirect(to, { headers: { "Set-Cookie": preferenceCookie(THEME_COOKIE, theme) } });
}

export async function loader() {
  return redirect("/");
}
