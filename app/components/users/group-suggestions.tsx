/** Provider group names offered while typing a group (the field stays free text). */
export const GROUP_LIST_ID = "provider-group-suggestions";

export function GroupSuggestions({ groups }: { groups: string[] }) {
  return (
    <datalist id={GROUP_LIST_ID}>
      {groups.map((group) => (
        <option key={group} value={group} />
      ))}
    </datalist>
  );
}
