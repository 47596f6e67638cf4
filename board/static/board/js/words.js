// The API's error messages in words a person understands. The API keeps its own wording for the
// scripts that read it (tasks/tests check it); the board translates by field, here only.
const INTERVAL = "Choose an interval between 1 second and 1 year.";

const BY_FIELD = {
  name: [
    [/blank|required|null/i, (subject) => "Give the " + subject + " a name."],
    [/no more than|at most|characters/i, () => "Keep the name to 200 characters or fewer."],
  ],
  description: [[/no more than|at most|characters/i, () => "Keep the description to 10,000 characters or fewer."]],
  interval_minutes: [[/./, () => INTERVAL]],
  status: [[/./, () => "Choose To Do, In Progress or Done."]],
  assignees: [[/member|not found|does not exist|invalid/i, () => "Choose people who are members of this board."]],
  time_zone: [[/./, () => "Choose a time zone from the list, like Europe/Paris."]],
};

export const INTERVAL_MESSAGE = INTERVAL;

// One field's messages (as the API sent them, a string or a list) as one plain sentence or more.
export function plainMessages(field, messages, subject = "task") {
  const rules = BY_FIELD[field] || [];
  const plain = [].concat(messages).map((message) => {
    const text = String(message);
    const rule = rules.find(([pattern]) => pattern.test(text));
    return rule ? rule[1](subject) : text;
  });
  return [...new Set(plain)].join(" ");
}
