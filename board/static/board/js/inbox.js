// The inbox page (board/templates/board/inbox.html): mark one or all of my notifications read
// through the API, then swap in the list as the server renders it (board/partials/inbox_list.html).
import "./acknowledge.js";
import { api, problem } from "./api.js";
import { announce, showToast } from "./feedback.js";
import { fetchFragment, swapIn } from "./fragments.js";
import "./newboard.js";
import { refreshRelativeTimes } from "./times.js";

async function refreshList() {
  const fresh = await fetchFragment(window.location.pathname + window.location.search, "inbox-list");
  if (!fresh) return;
  refreshRelativeTimes(fresh);
  swapIn(document.getElementById("inbox-list"), fresh);
}

async function markRead(item) {
  const id = item.id.slice("notification-".length);
  const result = await api("PATCH", "/notifications/" + id + "/read");
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  announce("Marked read.");
  await refreshList();
}

async function markAllRead() {
  const result = await api("POST", "/notifications/read-all");
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  announce("All your notifications marked read.");
  await refreshList();
}

refreshRelativeTimes(document);
window.setInterval(() => refreshRelativeTimes(document), 30000);
document.getElementById("inbox-mark-all-read").addEventListener("click", markAllRead);
document.addEventListener("click", (event) => {
  const button = event.target.closest('#inbox-list [data-action="mark-read"]');
  if (button) markRead(button.closest("li"));
});
document.addEventListener("notifications:changed", refreshList);
document.documentElement.classList.add("js-ready");
