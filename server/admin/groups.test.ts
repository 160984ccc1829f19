import { describe, expect, it } from "vitest";
import { Prisma, type ProviderGroup } from "../generated/prisma/client.ts";
import { countGroups, toGroupView, untrackedGroups } from "./groups.ts";

const group = (name: string): ProviderGroup => ({
  id: 1,
  name,
  costMultiplier: new Prisma.Decimal("1.5"),
  description: "",
  createdAt: new Date("2026-03-10T10:00:00Z"),
  updatedAt: new Date("2026-03-10T10:00:00Z"),
});

describe("provider counts per group", () => {
  it("counts every group a tag lists, an untagged provider under default", () => {
    const counts = countGroups(["vip,team-a", "vip", null]);
    expect(Object.fromEntries(counts)).toEqual({ vip: 2, "team-a": 1, default: 1 });
  });

  it("names the groups providers carry that have no row, sorted", () => {
    const counts = countGroups(["zeta", "vip", "alpha"]);
    expect(untrackedGroups(counts, [group("vip")])).toEqual(["alpha", "zeta"]);
  });
});

describe("toGroupView", () => {
  it("shows the multiplier as a number and the instants as ISO text", () => {
    expect(toGroupView(group("vip"), 3)).toEqual({
      id: 1,
      name: "vip",
      costMultiplier: 1.5,
      description: "",
      providerCount: 3,
      createdAt: "2026-03-10T10:00:00.000Z",
      updatedAt: "2026-03-10T10:00:00.000Z",
    });
  });
});
