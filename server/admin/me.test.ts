import { describe, expect, it } from "vitest";
import type { Services } from "../trpc/trpc.ts";
import { whoIsLoggedIn } from "./me.ts";

// Neither the anonymous caller nor the admin token needs a database row to be described.
const deps = { db: {}, catalog: { settings: () => ({ siteTitle: "Team Hub" }) } } as unknown as Pick<Services, "db" | "catalog">;

describe("whoIsLoggedIn", () => {
  it("describes nobody when no one is logged in", async () => {
    expect(await whoIsLoggedIn(deps, null)).toEqual({ loggedIn: false, role: null, dashboard: false, userId: null, userName: null, keyId: null, siteTitle: "Team Hub" });
  });

  it("describes the admin token as the admin, with the dashboard and no user or key", async () => {
    expect(await whoIsLoggedIn(deps, { kind: "admin", via: "admin_token" })).toEqual({
      loggedIn: true, role: "admin", dashboard: true, userId: null, userName: "admin", keyId: null, siteTitle: "Team Hub",
    });
  });
});
