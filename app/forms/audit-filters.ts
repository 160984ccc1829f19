/**
 * The audit log filters live in the URL (?actor=&targetType=&action=&from=&to=&cursor=), so a
 * filtered view can be shared. `actor` is "admin" (the admin token), "system", or "user:<id>".
 * Malformed values are ignored, not errors.
 */

export interface AuditFilters {
  actor?: string;
  targetType?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
}

function isoTime(value: string | null): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const short = (value: string | null, max: number) => (value && value.trim() && value.length <= max ? value.trim() : undefined);

export function parseAuditFilters(params: URLSearchParams): AuditFilters {
  const actor = params.get("actor");
  return {
    actor: actor && /^(admin|system|user:\d{1,9})$/.test(actor) ? actor : undefined,
    targetType: short(params.get("targetType"), 50),
    action: short(params.get("action"), 100),
    from: isoTime(params.get("from")),
    to: isoTime(params.get("to")),
    cursor: /^\d{1,19}$/.test(params.get("cursor") ?? "") ? params.get("cursor")! : undefined,
  };
}

/** The audit.list input for the filters. */
export function auditListInput(f: AuditFilters) {
  const actor = f.actor?.startsWith("user:")
    ? { actorUserId: Number(f.actor.slice(5)) }
    : f.actor === "admin" || f.actor === "system"
      ? { actorType: f.actor as "admin" | "system" }
      : {};
  return { ...actor, targetType: f.targetType, action: f.action, from: f.from, to: f.to, cursor: f.cursor, limit: 50 };
}

export function auditFiltersToSearch(f: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(f)) if (value) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : "";
}
