import { MemoryStore } from "./memory-store.ts";
import { runStoreContract } from "./store.contract.ts";

runStoreContract("memory", async () => {
  const store = new MemoryStore();
  return { store, peer: store };
});
