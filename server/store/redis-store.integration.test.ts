import { TEST_REDIS_URL } from "../../test-support/databases.ts";
import { createLogger } from "../logger.ts";
import { RedisStore } from "./redis-store.ts";
import { runAdmissionContract } from "./admission.contract.ts";
import { runStoreContract } from "./store.contract.ts";
import { runSessionBindingContract } from "./session-bindings.contract.ts";

async function twoInstances() {
  const keyPrefix = `test:${process.pid}:${Math.random().toString(36).slice(2)}:`;
  const make = () => new RedisStore({ url: TEST_REDIS_URL, keyPrefix, logger: createLogger("silent") });
  const store = make();
  const peer = make();
  await Promise.all([store.ready(2000), peer.ready(2000)]);
  return { store, peer };
}

runStoreContract("redis", twoInstances);
runAdmissionContract("redis", twoInstances);
runSessionBindingContract("redis", twoInstances);
