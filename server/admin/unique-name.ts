/** Names of users, providers and groups are unique; a clash is the caller's mistake, not a crash. */
import { Prisma } from "../generated/prisma/client.ts";
import { hubError, type HubErrorCode } from "../trpc/hub-errors.ts";

/** For a write's `.catch`: a unique-constraint violation becomes a CONFLICT with `code`; anything else is rethrown. */
export function conflictOnDuplicateName(code: HubErrorCode) {
  return (error: unknown): never => {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw hubError("CONFLICT", code);
    throw error;
  };
}
