// "I'm on it" and "Mark read" on a grouped row, in the bell (board/partials/notifications.html) and
// the inbox (board/partials/inbox_list.html): through the API (POST /notifications/{id}/ack, POST
// /notifications/read-all?task=&type=reminder), then a "notifications:changed" event on the
// document, on which each page swaps in its list again.
import { api, problem } from "./api.js";
import { announce, showToast } from "./feedback.js";
import { localTime } from "./times.js";

async function acknowledge(button) {
  const result = await api("POST", "/notifications/" + button.dataset.notificationId + "/ack");
  if (!result.ok) return result;
  const until = result.data && result.data.reminders_paused_until;
  announce(until ? "Acknowledged: reminders wait until " + localTime(until) + "." : "Acknowledged.");
  return result;
}

async function markGroupRead(button) {
  const query = "?task=" + encodeURIComponent(button.dataset.taskId) + "&type=reminder";
  const result = await api("POST", "/notifications/read-all" + query);
  if (result.ok) announce("Marked read.");
  return result;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest('[data-action="acknowledge"], [data-action="mark-group-read"]');
  if (!button) return;
  event.preventDefault();
  button.disabled = true;
  const result = button.dataset.action === "acknowledge" ? await acknowledge(button) : await markGroupRead(button);
  button.disabled = false;
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  document.dispatchEvent(new CustomEvent("notifications:changed"));
});
