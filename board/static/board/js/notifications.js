// The bell: the unread count, the panel with the newest notifications (server HTML from
// /board/notifications, board/partials/notifications.html), announcements of new ones and desktop
// notifications for new reminders.
import { api, problem } from "./api.js";
import { boardId } from "./columns.js";
import { announce, announceNews, showToast } from "./feedback.js";
import { fetchFragment, swapIn } from "./fragments.js";
import { refreshRelativeTimes } from "./times.js";

const bell = document.getElementById("bell");
const panel = document.getElementById("notifications-panel");
const badge = document.getElementById("unread-count");
const unreadLabel = document.getElementById("unread-label");
const desktopButton = document.getElementById("desktop-notifications");
const desktopState = document.getElementById("desktop-notifications-state");
// Notifications with a higher id arrived after the page was rendered (or last looked at).
let newestSeenId = Number(bell.dataset.newestUnreadId || 0);

export function setUnread(count) {
  badge.textContent = count > 99 ? "99+" : String(count);
  badge.hidden = count === 0;
  unreadLabel.textContent = " (" + count + " unread)";
}

function idOf(item) {
  return Number(item.id.slice("notification-".length));
}

function messageOf(item) {
  return item.querySelector("[data-message]").textContent;
}

// New unread ones: said through the live region, and reminders raised on the desktop when allowed.
function tellAboutNew(items) {
  const fresh = items.filter((item) => idOf(item) > newestSeenId && item.hasAttribute("data-unread"));
  if (fresh.length === 1) announceNews("New notification: " + messageOf(fresh[0]));
  else if (fresh.length > 1) announceNews(fresh.length + " new notifications. " + messageOf(fresh[0]));
  if ("Notification" in window && Notification.permission === "granted") {
    fresh
      .filter((item) => item.dataset.type === "reminder")
      .slice(0, 3)
      .forEach((item) => {
        new Notification("Status Tracker reminder", { body: messageOf(item), tag: "notification-" + idOf(item) });
      });
  }
  for (const item of items) newestSeenId = Math.max(newestSeenId, idOf(item));
}

// One request brings the list and the unread count; the list is kept current even while the panel
// is closed, so opening it shows the latest at once. The list is the viewer's own, from every board
// they may read; `board` says which of its tasks open here rather than on their own board.
export async function refreshNotifications() {
  const fresh = await fetchFragment("/board/notifications?board=" + boardId(), "notifications-body");
  if (!fresh) {
    if (!panel.hidden) {
      const empty = document.getElementById("notifications-empty");
      empty.textContent = "Notifications could not be loaded. " + problem({ status: 0 });
      empty.hidden = false;
    }
    return;
  }
  refreshRelativeTimes(fresh);
  swapIn(document.getElementById("notifications-body"), fresh);
  setUnread(Number(fresh.dataset.unreadCount));
  tellAboutNew(Array.from(document.querySelectorAll("#notifications-list li")));
}

function updateDesktopControls() {
  if (!("Notification" in window)) {
    desktopButton.hidden = true;
    desktopState.hidden = true;
    return;
  }
  desktopButton.hidden = Notification.permission !== "default";
  desktopState.hidden = Notification.permission === "default";
  desktopState.textContent =
    Notification.permission === "granted"
      ? "Desktop notifications are on for new reminders."
      : "Desktop notifications are blocked in this browser's settings.";
}

function openPanel() {
  panel.hidden = false;
  bell.setAttribute("aria-expanded", "true");
  refreshNotifications();
  updateDesktopControls();
}

function closePanel(returnFocus) {
  if (panel.hidden) return;
  panel.hidden = true;
  bell.setAttribute("aria-expanded", "false");
  if (returnFocus) bell.focus();
}

async function markRead(item) {
  const result = await api("PATCH", "/notifications/" + idOf(item) + "/read");
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  await refreshNotifications();
  bell.focus();
}

async function markAllRead() {
  const result = await api("POST", "/notifications/read-all");
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  await refreshNotifications();
  announce("All notifications marked read.");
}

// `openTask(id)` opens a task's dialog; `dialogOpen()` says whether Escape belongs to the dialog.
export function setUpNotifications({ openTask, dialogOpen }) {
  bell.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel(false)));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden && !dialogOpen()) closePanel(true);
  });
  document.addEventListener("click", (event) => {
    if (!panel.hidden && !panel.contains(event.target) && !bell.contains(event.target)) closePanel(false);
  });
  panel.addEventListener("click", (event) => {
    const target = event.target.closest("[data-action]");
    if (!target) return;
    if (target.dataset.action === "open-task") {
      event.preventDefault();
      closePanel(false);
      openTask(target.dataset.taskId);
    } else if (target.dataset.action === "mark-read") {
      markRead(target.closest("li"));
    }
  });
  const markAllButton = document.getElementById("mark-all-read");
  if (markAllButton) markAllButton.addEventListener("click", markAllRead);
  desktopButton.addEventListener("click", async () => {
    await Notification.requestPermission();
    updateDesktopControls();
  });
}
