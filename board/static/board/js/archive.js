// The board's archive: deleted tasks of this board (GET /tasks/?archived=true), each with Restore
// for editors, until the retention purge removes them (README "The board").
import { api, problem } from "./api.js";

const toggle = document.getElementById("archive-toggle");
const panel = document.getElementById("archive-panel");
// Enough for a board's month of deletions; the API's ?archived=true lists them all.
const SHOWN_AT_MOST = 100;
let restore = null;

function row(task, canEdit) {
  const item = document.createElement("li");
  item.className = "flex items-center justify-between gap-3 py-2";
  item.dataset.taskId = String(task.id);
  const name = document.createElement("span");
  name.className = "min-w-0 truncate text-sm";
  name.textContent = task.name;
  item.append(name);
  if (canEdit) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-ghost";
    button.dataset.restore = String(task.id);
    button.textContent = "Restore";
    button.setAttribute("aria-label", "Restore “" + task.name + "”");
    item.append(button);
  }
  return item;
}

// Re-read while the panel is open (after a delete, an undo or a restore); closed, nothing to do.
export async function refreshArchive() {
  if (!panel || panel.hidden) return;
  const list = panel.querySelector("[data-archive-list]");
  const empty = panel.querySelector("[data-archive-empty]");
  const board = panel.dataset.boardId;
  const result = await api("GET", "/tasks/?archived=true&limit=" + SHOWN_AT_MOST + "&board=" + board);
  if (!result.ok) {
    empty.textContent = problem(result);
    empty.hidden = false;
    list.replaceChildren();
    return;
  }
  const canEdit = panel.dataset.canEdit === "true";
  list.replaceChildren(...result.data.map((task) => row(task, canEdit)));
  empty.textContent = "No archived tasks.";
  empty.hidden = result.data.length > 0;
}

async function onClick(event) {
  const button = event.target.closest("[data-restore]");
  if (!button || !restore) return;
  const task = { id: button.dataset.restore, name: button.closest("li").querySelector("span").textContent };
  button.disabled = true;
  if (!(await restore(task))) button.disabled = false;
}

// `restoreTask` (dialog.js) puts a task back; passed in, so this module and the dialog do not
// import each other in a circle.
export function setUpArchive(restoreTask) {
  if (!toggle || !panel) return;
  restore = restoreTask;
  toggle.addEventListener("click", () => {
    const open = panel.hidden;
    panel.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    if (open) refreshArchive();
  });
  panel.addEventListener("click", onClick);
}
