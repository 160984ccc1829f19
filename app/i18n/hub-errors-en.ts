/**
 * The admin API's own errors (server/trpc/hub-errors.ts) and the validation problems its input
 * checks report, as the dashboard says them. "err.<code>" follows the server's table code for
 * code; app/i18n/hub-error-strings.test.ts holds both languages to it.
 */
export const hubErrorsEn = {
  "err.loginRequired": "Log in first (cookie or Authorization: Bearer).",
  "err.adminOnly": "This needs an administrator.",
  "err.myUsageOnly": "This key may only see /my-usage.",
  "err.userExists": "A user with this name already exists.",
  "err.userNotFound": "User {id} not found.",
  "err.groupExists": "A group with this name already exists.",
  "err.groupNotFound": "Group {id} not found.",
  "err.providerExists": "A provider with this name already exists.",
  "err.providerNotFound": "Provider {id} not found.",
  "err.codexInstructionsMissing": "The custom instructions strategy needs the instructions text.",
  "err.keyNotFound": "Key {id} not found.",
  "err.keyGone": "Your key no longer exists.",
  "err.keyExpiryPast": "The expiry {expiresAt} is in the past; give a future time, or leave it empty for a key that never expires.",
  "err.resetTargetNotFound": "{target} {id} not found.",
  "err.priceNotFound": "Price {id} not found.",
  "err.priceSyncFailed": "Price sync failed: {detail}.",
  "err.logNotFound": "No such request.",
  "err.filterNotFound": "Request filter {id} not found.",
  "err.filterIdTwice": "An id is listed twice.",
  "err.ruleNotFound": "Error rule {id} not found.",
  "err.sensitiveWordNotFound": "Sensitive word {id} not found.",
  "err.sensitiveWordsTooMany": "At most {max} sensitive words can be configured.",
  "err.sensitiveWordsTooLong": "All sensitive words together may be at most {max} characters long (this would make {total}).",
  "err.notificationTargetNotFound": "Notification target {id} not found.",
  "err.notificationsNotRunning": "Notifications are not running in this process.",
  "err.leaderboardAdminOnly": "Only administrators rank providers and models.",
  "err.periodMissingDays": "A custom range needs its first and last day.",
  "err.periodBackwards": "The range ends before it starts.",
  "err.periodTooLong": "A range is at most {max} days.",
  "err.periodInvalid": "The period is not valid: {detail}",
  "err.sessionStoreDown": "The store did not answer; the binding is unchanged.",

  // Input checks of the admin API (zod issues), when the dashboard's own form let a value through.
  "form.atLeast": "At least {min}.",
  "form.atMost": "At most {max}.",
  "form.tooShort": "At least {min} characters.",
  "form.tooFew": "At least {min} entries.",
  "form.invalid": "This value is not valid.",
  "form.invalidFormat": "Not a valid {format}.",
  "form.invalidChoice": "Choose one of the offered values.",
  /** A message of the hub the dashboard has no translation for, shown as it came. */
  "form.serverMessage": "{text}",
} satisfies Record<string, string>;
