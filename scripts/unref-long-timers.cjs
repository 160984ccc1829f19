// Preloaded for Prisma CLI commands only: the Wasm schema engine leaves a long setTimeout
// pending, which keeps the CLI alive 10-60 s after it finished. Unref timers of 5 s or more.
const original = globalThis.setTimeout;
globalThis.setTimeout = function patchedSetTimeout(fn, ms, ...args) {
  const timer = original(fn, ms, ...args);
  if (typeof ms === "number" && ms >= 5000 && timer && typeof timer.unref === "function") timer.unref();
  return timer;
};
