// Relative times ("in 12 min", "3 h ago"), in the same words as board/templatetags/board.py.
const UNITS = [
  [86400, "d"],
  [3600, "h"],
  [60, "min"],
];

function amount(seconds) {
  // Whole minutes first: 59.9 min reads "1 h", not "60 min".
  if (seconds >= 60) seconds = Math.round(seconds / 60) * 60;
  for (const [size, unit] of UNITS) {
    if (seconds >= size) return Math.round(seconds / size) + " " + unit;
  }
  return Math.round(seconds) + " s";
}

export function relativeTime(iso) {
  if (!iso) return "";
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  if (Math.abs(seconds) < 60) return "now";
  return seconds > 0 ? "in " + amount(seconds) : amount(-seconds) + " ago";
}

// Every <time> on the board page is relative; one without a datetime (the dialog's, for a task
// never pinged) reads "—".
export function refreshRelativeTimes(root) {
  root.querySelectorAll("time").forEach((element) => {
    const iso = element.getAttribute("datetime");
    element.textContent = iso ? relativeTime(iso) : "—";
    if (iso) element.title = new Date(iso).toLocaleString();
  });
}
