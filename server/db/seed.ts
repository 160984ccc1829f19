/** First-start data: the built-in price list, when the price table is empty. */
import { DEFAULT_PRICES } from "../gateway/usage/default-prices.ts";
import type { Db } from "./database.ts";

export async function seedDefaults(db: Db): Promise<{ prices: number }> {
  const existing = await db.modelPrice.count();
  if (existing > 0) return { prices: 0 };
  const result = await db.modelPrice.createMany({
    data: DEFAULT_PRICES.map((p) => ({ modelName: p.modelName, priceData: p.priceData as object, source: "builtin" })),
    skipDuplicates: true,
  });
  return { prices: result.count };
}
