/** What every dashboard form action returns, so dialogs can show errors or close on success. */

export type ActionResult<T = undefined> =
  | { ok: true; intent: string; result: T }
  | {
      ok: false;
      intent: string;
      /** A message for the whole form (a dictionary key or the hub's own message). */
      formError?: string;
      /** Field name → message (a dictionary key or the hub's own message). */
      fieldErrors?: Record<string, string>;
    };
