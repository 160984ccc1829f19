/** POST /lang: stores the chosen language in the `lang` cookie and returns to the page. */
import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { isLang } from "~/i18n/index.ts";
import { LANG_COOKIE, preferenceCookie } from "~/lib/cookies.ts";

/** Only same-site paths, so the form cannot be used to bounce visitors to another site. */
function safeRedirect(value: FormDataEntryValue | null): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}

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
