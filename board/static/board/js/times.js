// Relative times ("in 12 min", "3 h ago"), in the same words as board/templatetags/board.py, and
// times of day in the person's time zone: the one they chose (<meta name="time-zone">, from
// accounts.time_zones), else the browser's.
const UNITS = [
  [86400, "d"],
  [3600, "h"],
  [60, "min"],
];

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const chosenZone = (document.querySelector('meta[name="time-zone"]') || {}).content || "";

function formatter(options) {
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: chosenZone || browserZone });
  } catch (error) {
    // A zone this browser does not know: its own.
    return new Intl.DateTimeFormat(undefined, options);
  }
}

const dateTime = formatter({ dateStyle: "medium", timeStyle: "short" });
const dateOnly = formatter({ dateStyle: "medium" });

// The browser's zone for server-rendered times (the admin), when the person has chosen none.
// IANA names need no escaping in a cookie (letters, digits, "/", "_", "+", "-"); the server checks them.
if (browserZone) document.cookie = "tz=" + browserZone + "; path=/; max-age=31536000; samesite=lax";

export function localTime(iso) {
  return iso ? dateTime.format(new Date(iso)) : "";
}

export function localDate(iso) {
  return iso ? dateOnly.format(new Date(iso)) : "";
}

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

// Every <time> on the board page is relative, with the local time on hover; one marked
// data-absolute (the dialog's) also shows it. One without a datetime reads "—".
export function refreshRelativeTimes(root) {
  root.querySelectorAll("time").forEach((element) => {
    const iso = element.getAttribute("datetime");
    if (!iso) {
      element.textContent = "—";
      return;
    }
    const relative = relativeTime(iso);
    element.textContent = element.hasAttribute("data-absolute") ? relative + " · " + localTime(iso) : relative;
    element.title = localTime(iso);
  });
}
