// Reminder intervals as people enter them, a number and a unit (partials/interval_input.html),
// to and from the API's interval_minutes.
const MINUTES_PER = { seconds: 1 / 60, minutes: 1, hours: 60, days: 24 * 60 };
const LARGEST_FIRST = ["days", "hours", "minutes"];

function whole(value) {
  return Math.abs(value - Math.round(value)) < 1e-6;
}

// The form's interval in minutes: null when the number is left empty, NaN when it is no number.
export function readInterval(form) {
  const count = form.elements.interval_count;
  const text = count.value.trim();
  // A number input answers "" for text it cannot parse: badInput tells that from an empty field.
  if (text === "") return count.validity && count.validity.badInput ? NaN : null;
  const number = Number(text);
  if (!Number.isFinite(number)) return NaN;
  return number * MINUTES_PER[form.elements.interval_unit.value];
}

// Shows `minutes` in the largest unit that gives a whole number (90 min stays "90 minutes").
export function showInterval(form, minutes) {
  let unit = LARGEST_FIRST.find((name) => minutes >= MINUTES_PER[name] && whole(minutes / MINUTES_PER[name]));
  if (!unit) unit = minutes < 1 ? "seconds" : "minutes";
  const count = minutes / MINUTES_PER[unit];
  form.elements.interval_unit.value = unit;
  form.elements.interval_count.value = String(whole(count) ? Math.round(count) : Number(count.toFixed(4)));
}

export function sameInterval(a, b) {
  // Within a millisecond: seconds entered come back as minutes with a float's rounding.
  return Math.abs(a - b) * 60000 < 1;
}
