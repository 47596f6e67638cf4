// "I'm on it", "Snooze" (1 h, 4 h, tomorrow 9:00) on a reminder and "Mark read" on a grouped row, in
// the bell (board/partials/notifications.html) and the inbox (board/partials/inbox_list.html):
// through the API (POST /notifications/{id}/ack, POST /tasks/{id}/snooze, POST
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

// Minutes from now until tomorrow at 9:00, the person's own time (the browser's clock and zone).
function minutesUntilTomorrowMorning() {
  const now = new Date();
  const morning = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0, 0);
  return Math.max(1, Math.ceil((morning - now) / 60000));
}

async function snooze(button) {
  const minutes = button.dataset.until === "tomorrow" ? minutesUntilTomorrowMorning() : Number(button.dataset.minutes);
  const result = await api("POST", "/tasks/" + button.dataset.taskId + "/snooze", { minutes });
  if (!result.ok) return result;
  const until = result.data && result.data.reminders_paused_until;
  announce(until ? "Snoozed: reminders wait until " + new Date(until).toLocaleString() + "." : "Snoozed.");
  return result;
}

const ACTIONS = { acknowledge, snooze, "mark-group-read": markGroupRead };

async function markGroupRead(button) {
  const query = "?task=" + encodeURIComponent(button.dataset.taskId) + "&type=reminder";
  const result = await api("POST", "/notifications/read-all" + query);
  if (result.ok) announce("Marked read.");
  return result;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest('[data-action="acknowledge"], [data-action="snooze"], [data-action="mark-group-read"]');
  if (!button) return;
  event.preventDefault();
  button.disabled = true;
  const result = await ACTIONS[button.dataset.action](button);
  button.disabled = false;
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  document.dispatchEvent(new CustomEvent("notifications:changed"));
});
