/**
 * The log list's count stops at LOG_COUNT_CAP (decision 0021: an exact count of a loose filter
 * over a large log costs most of the page's time budget) and says so; a narrow filter still gets
 * its exact count.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestHub, type TestHub } from "../../../test-support/hub.ts";
import { LOG_COUNT_CAP } from "./logs.ts";

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({ store: "memory" });
  // Straight into the table (the log writer would take a while for ten thousand rows).
  await t.hub.db.sql(
    `INSERT INTO request_log (request_id, created_at, user_id, key_id, endpoint, api_format, model, status_code)
     SELECT 'cap-' || g, now() - g * interval '1 second', 1, 1, '/v1/messages', 'claude', CASE WHEN g <= 3 THEN 'rare' ELSE 'common' END, 200
     FROM generate_series(1, $1::int) AS g`,
    [LOG_COUNT_CAP + 10],
  );
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

it("counts up to the cap and says there are more", async () => {
  const all = await t.admin<{ total: number; totalCapped: boolean; items: Array<{ requestId: string }> }>("logs/list", { pageSize: 5 });
  expect(all).toMatchObject({ total: LOG_COUNT_CAP, totalCapped: true });
  expect(all.items.map((i) => i.requestId)).toEqual(["cap-1", "cap-2", "cap-3", "cap-4", "cap-5"]);
});

it("counts a narrow filter exactly", async () => {
  const rare = await t.admin<{ total: number; totalCapped: boolean }>("logs/list", { model: "rare" });
  expect(rare).toMatchObject({ total: 3, totalCapped: false });
});
