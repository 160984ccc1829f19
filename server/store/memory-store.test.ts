import { MemoryStore } from "./memory-store.ts";
import { runAdmissionContract } from "./admission.contract.ts";
import { runStoreContract } from "./store.contract.ts";

runStoreContract("memory", async () => {
  const store = new MemoryStore();
  return { store, peer: store };
});

runAdmissionContract("memory", async () => {
  const store = new MemoryStore();
  return { store, peer: store };
});
