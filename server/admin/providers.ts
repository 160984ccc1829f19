/**
 * The providers' work (the upstreams). The upstream key, the proxy URL's credentials and the
 * custom headers are sealed at rest; every view of a provider shows them masked.
 */
import type { Prisma, Provider } from "../generated/prisma/client.ts";
import type { SecretBox } from "../auth/secrets.ts";
import {
  mergeCustomHeaders,
  mergeProxyUrl,
  openCustomHeaders,
  openProxyUrl,
  sealCustomHeaders,
  sealProxyUrl,
} from "../catalog/provider-secrets.ts";
import { hubError } from "../trpc/hub-errors.ts";
import { limitData, type LimitInput, toProviderView } from "../trpc/schemas.ts";
import type { Services } from "../trpc/trpc.ts";
import { conflictOnDuplicateName } from "./unique-name.ts";

/** A create or update input as the router validated it (limits, policies and the rest pass through). */
export type ProviderInput = {
  id?: number;
  key?: string;
  providerType?: string;
  costMultiplier?: number;
  proxyUrl?: string | null;
  customHeaders?: Record<string, string>;
  codexInstructionsStrategy?: string;
  codexInstructions?: string | null;
} & LimitInput & Record<string, unknown>;

type ProviderDeps = Pick<Services, "db" | "catalog" | "secrets">;

/**
 * Input → Prisma data. Secrets are sealed; on an update (`before` given) a proxy URL or header
 * sent back masked, as the view showed it, keeps the stored secret.
 */
export function providerData(input: ProviderInput, secrets: SecretBox, before?: Provider): Record<string, unknown> {
  const { id: _id, key, costMultiplier, proxyUrl, customHeaders, ...rest } = input;
  const data: Record<string, unknown> = { ...rest, ...limitData(rest) };
  if (key !== undefined) data.keyEncrypted = secrets.encrypt(key.trim());
  if (costMultiplier !== undefined) data.costMultiplier = String(costMultiplier);
  if (proxyUrl !== undefined) {
    const current = before ? openProxyUrl(before.proxyUrl, secrets) : null;
    data.proxyUrl = sealProxyUrl(mergeProxyUrl(proxyUrl, current), secrets);
  }
  if (customHeaders !== undefined) {
    const current = before ? openCustomHeaders(before.customHeaders, secrets) : {};
    data.customHeaders = sealCustomHeaders(mergeCustomHeaders(customHeaders, current), secrets);
  }
  return data;
}

/** The `custom` Codex instructions strategy needs its text (what the row will hold after the write). */
export function requireCustomInstructions(strategy: string | undefined, text: string | null | undefined): void {
  if (strategy === "custom" && !text?.trim()) {
    throw hubError("BAD_REQUEST", "codexInstructionsMissing");
  }
}

const duplicateName = conflictOnDuplicateName("providerExists");
const providerNotFound = (id: number) => hubError("NOT_FOUND", "providerNotFound", { id });

export async function createProvider(deps: ProviderDeps, input: ProviderInput & { providerType: string }) {
  requireCustomInstructions(input.codexInstructionsStrategy, input.codexInstructions);
  const row = await deps.db.provider
    .create({
      data: {
        // The manual promises conversion for openai-compatible providers; the admin decides for the others.
        allowFormatConversion: input.providerType === "openai-compatible",
        ...providerData(input, deps.secrets),
      } as Prisma.ProviderCreateInput,
    })
    .catch(duplicateName);
  await deps.catalog.invalidate({ kind: "providers" });
  return toProviderView(row, deps.secrets);
}

/** Providers (not deleted), optionally of one type, in priority order. */
export async function listProviders(deps: Pick<Services, "db" | "secrets">, filter: { providerType?: string }) {
  const rows = await deps.db.provider.findMany({
    where: { deletedAt: null, ...(filter.providerType ? { providerType: filter.providerType } : {}) },
    orderBy: [{ priority: "asc" }, { id: "asc" }],
  });
  return { items: rows.map((row) => toProviderView(row, deps.secrets)) };
}

/** Updates a provider (not deleted); its views before and after, for the audit log. */
export async function updateProvider(deps: ProviderDeps, input: ProviderInput & { id: number }) {
  const before = await deps.db.provider.findFirst({ where: { id: input.id, deletedAt: null } });
  if (!before) throw providerNotFound(input.id);
  requireCustomInstructions(
    input.codexInstructionsStrategy ?? before.codexInstructionsStrategy,
    input.codexInstructions !== undefined ? input.codexInstructions : before.codexInstructions,
  );
  const row = await deps.db.provider.update({ where: { id: input.id }, data: providerData(input, deps.secrets, before) }).catch(duplicateName);
  await deps.catalog.invalidate({ kind: "providers" });
  return { before: toProviderView(before, deps.secrets), after: toProviderView(row, deps.secrets) };
}

/** Soft-deletes a provider (the name is freed for reuse; the request log keeps pointing at it); its view before. */
export async function deleteProvider(deps: ProviderDeps & Pick<Services, "now">, id: number) {
  const before = await deps.db.provider.findFirst({ where: { id, deletedAt: null } });
  if (!before) throw providerNotFound(id);
  await deps.db.provider.update({
    where: { id },
    data: { deletedAt: new Date(deps.now()), isEnabled: false, name: `${before.name}#deleted-${before.id}` },
  });
  await deps.catalog.invalidate({ kind: "providers" });
  return toProviderView(before, deps.secrets);
}
