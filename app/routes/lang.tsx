/** POST /lang: stores the chosen language in the `lang` cookie and returns to the page. */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLang } from "~/i18n/index.ts";
import { LANG_COOKIE, preferenceCookie, safeRedirect } from "~/lib/cookies.ts";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  const to = safeRedirect(form.get("redirectTo"));
  if (!isLang(lang)) return redirect(to);
  return redirect(to, { headers: { "Set-Cookie": preferenceCookie(LANG_COOKIE, lang) } });
}

export async function loader() {
  return redirect("/");
}
