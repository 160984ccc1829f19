/**
 * Radix Select reserves the value "" (it means "nothing chosen, show the placeholder"), but our
 * forms have options whose submitted value is "" — "all users", "no MCP", "global filters
 * only". Such an option gets a stand-in item value, mapped back before anything sees it.
 */

/** The item value that stands for "". Not a value any of our fields can hold (ids, enums, names). */
export const EMPTY_OPTION_ITEM_VALUE = "__empty__";

/** A form value → the Radix item value that represents it. */
export function toItemValue(formValue: string): string {
  return formValue === "" ? EMPTY_OPTION_ITEM_VALUE : formValue;
}

/** A Radix item value → the form value it stands for. */
export function fromItemValue(itemValue: string): string {
  return itemValue === EMPTY_OPTION_ITEM_VALUE ? "" : itemValue;
}
