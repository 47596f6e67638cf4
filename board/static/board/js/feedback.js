// What the page tells people: the screen-reader live region and the toast for failures.
const liveRegion = document.getElementById("live-region");
const toast = document.getElementById("toast");
let toastTimer = null;

// What the live region says comes from two places: the person's own actions (a move, a save)
// and news from elsewhere (a notification). Each replaces the last of its own kind, but not the
// other kind's if that came within this window, about as long as a screen reader takes to read a
// short sentence: a move into Done and the completion notice it causes are both said, in order.
const JOIN_MILLISECONDS = 3000;
const latest = { action: { text: "", at: -Infinity }, news: { text: "", at: -Infinity } };
let sayTimer = null;

function say(kind, message) {
  const now = performance.now();
  latest[kind] = { text: message, at: now };
  const text = Object.values(latest)
    .filter((said) => said.text && now - said.at < JOIN_MILLISECONDS)
    .sort((a, b) => a.at - b.at)
    .map((said) => said.text)
    .join(" ");
  // Cleared first so the same message twice is announced twice.
  liveRegion.textContent = "";
  window.clearTimeout(sayTimer);
  sayTimer = window.setTimeout(() => {
    liveRegion.textContent = text;
  }, 50);
}

// The outcome of the person's own action.
export function announce(message) {
  say("action", message);
}

// News that arrived from elsewhere (a notification): said after what is being said, not instead.
export function announceNews(message) {
  say("news", message);
}

// Long enough to find the Undo button by keyboard; the timer waits while focus is on it.
const UNDO_TOAST_MILLISECONDS = 10000;

function hideLater(milliseconds) {
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    toast.hidden = true;
  }, milliseconds);
}

export function showToast(message) {
  toast.setAttribute("role", "alert");
  toast.textContent = message;
  toast.hidden = false;
  hideLater(6000);
}

// A message with one action (Undo after a delete). Announced in the live region, not by the
// toast (no role), so it is heard once; the button takes the focus so Enter undoes at once.
export function showUndoToast(message, label, onAction) {
  toast.removeAttribute("role");
  const text = document.createElement("span");
  text.textContent = message + " ";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "ml-2 font-semibold underline underline-offset-2";
  button.textContent = label;
  button.addEventListener("click", () => {
    toast.hidden = true;
    window.clearTimeout(toastTimer);
    onAction();
  });
  button.addEventListener("focus", () => window.clearTimeout(toastTimer));
  button.addEventListener("blur", () => hideLater(UNDO_TOAST_MILLISECONDS));
  toast.replaceChildren(text, button);
  toast.hidden = false;
  announce(message + " " + label + " is available.");
  button.focus();
  hideLater(UNDO_TOAST_MILLISECONDS);
}
