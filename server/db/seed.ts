/**
 * First-start data: the built-in price list and the default error rules, each only when its
 * table has no rows of that kind yet (an admin's deletions are not undone at the next start).
 */
import { DEFAULT_ERROR_RULES } from "../domain/error-rules.ts";
import { DEFAULT_PRICES } from "../domain/default-prices.ts";
import type { Db } from "./database.ts";

export async function seedDefaults(db: Db): Promise<{ prices: number; errorRules: number }> {
  let prices = 0;
  if ((await db.modelPrice.count()) === 0) {
    const result = await db.modelPrice.createMany({
      data: DEFAULT_PRICES.map((p) => ({ modelName: p.modelName, priceData: p.priceData as object, source: "builtin" })),
      skipDuplicates: true,
    });
    prices = result.count;
  }
  let errorRules = 0;
  if ((await db.errorRule.count({ where: { isDefault: true } })) === 0) {
    const result = await db.errorRule.createMany({
      data: DEFAULT_ERROR_RULES.map((r) => ({ ...r, isDefault: true })),
    });
    errorRules = result.count;
  }
  return { prices, errorRules };
}
