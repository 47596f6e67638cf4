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

export function showToast(message) {
  toast.textContent = message;
  toast.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    toast.hidden = true;
  }, 6000);
}
