/** Audit log entries for admin changes; written after the change, never blocking it. */
import type { TrpcContext } from "./trpc.ts";

export function audit(
  ctx: Pick<TrpcContext, "db" | "viewer" | "ip" | "logger">,
  action: string,
  target: { type: string; id: string | number },
  change: { before?: unknown; after?: unknown } = {},
): void {
  const viewer = ctx.viewer;
  void ctx.db.auditLog
    .create({
      data: {
        actorType: viewer?.kind === "admin" ? "admin" : viewer ? "user" : "system",
        actorUserId: viewer?.kind === "user" ? viewer.userId : null,
        actorKeyId: viewer?.kind === "user" ? viewer.keyId : null,
        actorIp: ctx.ip ?? null,
        action,
        targetType: target.type,
        targetId: String(target.id),
        before: (change.before ?? undefined) as object | undefined,
        after: (change.after ?? undefined) as object | undefined,
      },
    })
    .catch((error: Error) => ctx.logger.warn({ err: error.message, action }, "audit log write failed"));
}
