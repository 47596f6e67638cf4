// The task dialog: read a task from the API, edit it, delete it after a confirmation.
import { api, problem } from "./api.js";
import { showBreakdown } from "./breakdown.js";
import { boardId, canEdit, refreshColumns, taskIdOf } from "./columns.js";
import { announce, showToast } from "./feedback.js";
import { clearErrors, showErrors, showFieldError } from "./forms.js";
import { readInterval, sameInterval, showInterval } from "./intervals.js";
import { pickedAssignees, setPickedAssignees } from "./picker.js";
import { showScriptLines } from "./scripts.js";
import { refreshRelativeTimes } from "./times.js";
import { INTERVAL_MESSAGE } from "./words.js";

const dialog = document.getElementById("task-dialog");
const form = document.getElementById("task-form");
const deleteConfirm = document.getElementById("delete-confirm");
const picker = document.getElementById("edit-assignees");
// The task shown (as the API answered it) and the control that opened the dialog.
let shown = null;
let opener = null;

export function isDialogOpen() {
  return dialog.open;
}

function setTime(id, iso) {
  const element = document.getElementById(id);
  if (iso) element.setAttribute("datetime", iso);
  else element.removeAttribute("datetime");
}

function showDetail(name, shown) {
  dialog.querySelectorAll('[data-detail="' + name + '"]').forEach((element) => {
    element.hidden = !shown;
  });
}

// A task in To Do still carrying the ping of its creation never started: no "Last ping" to show.
function everPinged(task) {
  const sinceCreated = new Date(task.last_ping).getTime() - new Date(task.created_at).getTime();
  return task.status !== "todo" || sinceCreated >= 1000;
}

export async function openDialog(taskId, openedBy) {
  const result = await api("GET", "/tasks/" + taskId);
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  const task = result.data;
  if (String(task.board) !== boardId()) {
    // A task of another board (a link from the bell): open it on its own board.
    window.location.assign("/?board=" + task.board + "#task-" + task.id);
    return;
  }
  shown = task;
  opener = openedBy || null;
  clearErrors(form);
  if (deleteConfirm) deleteConfirm.hidden = true;
  form.elements.name.value = task.name;
  form.elements.description.value = task.description || "";
  showInterval(form, task.interval_minutes);
  form.elements.status.value = task.status;
  setPickedAssignees(picker, task.assignees || []);
  document.getElementById("detail-created-by").textContent = task.created_by || "—";
  setTime("detail-last-ping", task.last_ping);
  showDetail("last-ping", Boolean(task.last_ping) && everPinged(task));
  setTime("detail-next-reminder", task.next_reminder_at);
  showDetail("next-reminder", Boolean(task.next_reminder_at));
  setTime("detail-created", task.created_at);
  showBreakdown(task);
  showScriptLines(task);
  refreshRelativeTimes(dialog);
  if (!dialog.open) dialog.showModal();
  form.elements.name.focus();
}

function closeDialog() {
  if (dialog.open) dialog.close();
}

// Only the fields that changed, so a save never overwrites someone else's edit of another field.
function changes() {
  const body = {};
  const interval = readInterval(form);
  if (form.elements.name.value !== shown.name) body.name = form.elements.name.value;
  if (form.elements.description.value !== (shown.description || "")) {
    body.description = form.elements.description.value;
  }
  // An empty or unreadable number goes as null, which the save refuses in plain words.
  if (interval === null || Number.isNaN(interval)) body.interval_minutes = null;
  else if (!sameInterval(interval, shown.interval_minutes)) body.interval_minutes = interval;
  if (form.elements.status.value !== shown.status) body.status = form.elements.status.value;
  const assignees = pickedAssignees(picker);
  if (assignees.join("\n") !== [...(shown.assignees || [])].sort().join("\n")) body.assignees = assignees;
  return body;
}

async function save(event) {
  event.preventDefault();
  if (!shown || !canEdit()) return;
  clearErrors(form);
  const body = changes();
  if (body.interval_minutes === null) {
    showFieldError(form, "interval_minutes", INTERVAL_MESSAGE);
    return;
  }
  if (Object.keys(body).length === 0) {
    closeDialog();
    return;
  }
  const result = await api("PATCH", "/tasks/" + shown.id, body);
  if (!result.ok) {
    showErrors(form, result);
    return;
  }
  announce("Saved “" + result.data.name + "”.");
  closeDialog();
  refreshColumns();
}

async function onClick(event) {
  // A click on the backdrop lands on the dialog element itself.
  if (event.target === dialog) {
    closeDialog();
    return;
  }
  const button = event.target.closest("[data-action]");
  const action = button && button.dataset.action;
  if (action === "close-dialog") {
    closeDialog();
  } else if (action === "delete") {
    deleteConfirm.hidden = false;
    deleteConfirm.querySelector('[data-action="cancel-delete"]').focus();
  } else if (action === "cancel-delete") {
    deleteConfirm.hidden = true;
    form.querySelector('[data-action="delete"]').focus();
  } else if (action === "confirm-delete" && shown) {
    const task = shown;
    const result = await api("DELETE", "/tasks/" + task.id);
    if (!result.ok) {
      deleteConfirm.hidden = true;
      showErrors(form, result);
      return;
    }
    opener = null;
    closeDialog();
    announce("Deleted “" + task.name + "”.");
    refreshColumns();
  }
}

function onClose() {
  if (window.location.hash.startsWith("#task-")) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  // Back to what opened it, or to the card (the opener may have been swapped out meanwhile).
  const card = shown && document.getElementById("task-" + shown.id);
  const target = opener && document.contains(opener) ? opener : card && card.querySelector(".card-title");
  if (target) target.focus();
  shown = null;
}

function openFromHash() {
  const match = /^#task-(\d+)$/.exec(window.location.hash);
  if (match) openDialog(match[1]);
}

export function setUpDialog() {
  form.addEventListener("submit", save);
  dialog.addEventListener("click", onClick);
  dialog.addEventListener("close", onClose);
  window.addEventListener("hashchange", openFromHash);
  document.addEventListener("click", (event) => {
    const title = event.target.closest("#board-columns .card-title");
    if (title) openDialog(taskIdOf(title.closest(".card")), title);
  });
  openFromHash();
}
