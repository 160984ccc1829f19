/** Ports and secrets of the e2e run, shared by playwright.config.ts and the specs. */
export const HUB_PORT = 18632;
export const FAKE_UPSTREAM_PORT = 18631;
export const HUB_URL = `http://127.0.0.1:${HUB_PORT}`;
export const FAKE_UPSTREAM_URL = `http://127.0.0.1:${FAKE_UPSTREAM_PORT}`;
export const ADMIN_TOKEN = "e2e-admin-token";
