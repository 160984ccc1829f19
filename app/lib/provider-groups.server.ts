import type { AppLoadContext } from "@remix-run/node";

/** The group tags providers carry (comma-separated on each), to suggest in group fields. */
export async function providerGroups(context: AppLoadContext): Promise<string[]> {
  const { items } = await context.trpc.providers.list({});
  const groups = new Set<string>();
  for (const provider of items) {
    for (const tag of (provider.groupTag ?? "").split(",")) if (tag.trim()) groups.add(tag.trim());
  }
  return [...groups].sort();
}
