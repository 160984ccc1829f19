import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

export async function loader({ context }: LoaderFunctionArgs) {
  const viewer = context.viewer;
  if (!viewer) return redirect("/login");
  if (viewer.kind === "user" && !viewer.canLoginWebUi) return redirect("/my-usage");
  return redirect("/dashboard");
}
