// What the page tells people: the screen-reader live region and the toast for failures.
const liveRegion = document.getElementById("live-region");
const toast = document.getElementById("toast");
let toastTimer = null;

export function announce(message) {
  // Cleared first so the same message twice is announced twice.
  liveRegion.textContent = "";
  window.setTimeout(() => {
    liveRegion.textContent = message;
  }, 50);
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
