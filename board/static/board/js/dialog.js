// The task dialog: read a task from the API, edit it, delete it after a confirmation (with Undo),
// and never lose an edit by a slip: leaving with unsaved changes asks first.
import { api, problem } from "./api.js";
import { refreshArchive } from "./archive.js";
import { showBreakdown } from "./breakdown.js";
import { boardId, canEdit, refreshColumns, taskIdOf } from "./columns.js";
import { announce, showToast, showUndoToast } from "./feedback.js";
import { clearErrors, showErrors, showFieldError } from "./forms.js";
import { readInterval, sameInterval, showInterval } from "./intervals.js";
import { pickedAssignees, setPickedAssignees } from "./picker.js";
import { showScriptLines } from "./scripts.js";
import { refreshRelativeTimes } from "./times.js";
import { INTERVAL_MESSAGE } from "./words.js";

const dialog = document.getElementById("task-dialog");
const form = document.getElementById("task-form");
const deleteConfirm = document.getElementById("delete-confirm");
const discardConfirm = document.getElementById("discard-confirm");
const actions = document.getElementById("task-dialog-actions");
const picker = document.getElementById("edit-assignees");
// The task shown (as the API answered it) and the control that opened the dialog.
let shown = null;
let opener = null;
// Set while the dialog closes on purpose (saved, discarded, deleted, nothing changed): any other
// close with unsaved edits (a second Esc the browser will not let us stop) reopens it to ask.
let closingOnPurpose = false;
// What to do once the dialog closed after a delete (deleteShown).
let afterDelete = null;

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
  showConfirm(null);
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
  if (!dialog.open) return;
  closingOnPurpose = true; // read by onClose (the close event comes a task later), then cleared
  dialog.close();
}

// One confirmation at a time, in place of the dialog's own buttons (so no second Cancel).
function showConfirm(confirm) {
  for (const panel of [deleteConfirm, discardConfirm]) if (panel) panel.hidden = panel !== confirm;
  if (actions) actions.hidden = confirm !== null;
  if (confirm) confirm.querySelector("[data-confirm-default]").focus();
}

function confirmShown() {
  return [deleteConfirm, discardConfirm].some((panel) => panel && !panel.hidden);
}

// Edits not saved yet: a changed field, or a comment typed but not sent.
function hasUnsavedChanges() {
  if (!shown || !canEdit()) return false;
  const comment = dialog.querySelector("[data-comment-text]");
  return Object.keys(changes()).length > 0 || Boolean(comment && comment.value.trim());
}

// Esc, Cancel, the close button and a click outside all come here.
function requestClose() {
  if (discardConfirm && !discardConfirm.hidden) {
    keepEditing(); // a second Esc while asked: back to the form, edits kept
  } else if (hasUnsavedChanges()) {
    showConfirm(discardConfirm);
  } else {
    closeDialog();
  }
}

function keepEditing() {
  showConfirm(null);
  form.elements.name.focus();
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

// Undo on the spot: the archived task comes back (POST /tasks/{id}/restore) to its place.
export async function restoreTask(task) {
  const result = await api("POST", "/tasks/" + task.id + "/restore");
  if (!result.ok) {
    showToast(problem(result));
    return false;
  }
  announce("Restored “" + task.name + "”.");
  await refreshColumns();
  refreshArchive();
  const card = document.getElementById("task-" + task.id);
  if (card) card.querySelector(".card-title").focus();
  return true;
}

async function deleteShown() {
  const task = shown;
  const result = await api("DELETE", "/tasks/" + task.id);
  if (!result.ok) {
    showConfirm(null);
    showErrors(form, result);
    return;
  }
  opener = null;
  // After the close event (a task later), so that its focus handling does not undo the toast's.
  afterDelete = () => showUndoToast("Deleted “" + task.name + "”.", "Undo", () => restoreTask(task));
  closeDialog();
  refreshColumns();
  refreshArchive();
}

async function onClick(event) {
  // A click on the backdrop lands on the dialog element itself.
  if (event.target === dialog) {
    requestClose();
    return;
  }
  const button = event.target.closest("[data-action]");
  const action = button && button.dataset.action;
  if (action === "close-dialog") {
    requestClose();
  } else if (action === "keep-editing") {
    keepEditing();
  } else if (action === "discard-changes") {
    closeDialog();
  } else if (action === "delete") {
    showConfirm(deleteConfirm);
  } else if (action === "cancel-delete") {
    showConfirm(null);
    form.querySelector('[data-action="delete"]').focus();
  } else if (action === "confirm-delete" && shown) {
    await deleteShown();
  }
}

// Esc: the browser's cancel, stopped while there is something to lose or a question is open.
function onCancel(event) {
  if (hasUnsavedChanges() || confirmShown()) {
    event.preventDefault();
    if (deleteConfirm && !deleteConfirm.hidden) {
      showConfirm(null);
      form.querySelector('[data-action="delete"]').focus();
    } else {
      requestClose();
    }
  }
}

function onBeforeUnload(event) {
  if (dialog.open && hasUnsavedChanges()) {
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  }
}

function onClose() {
  const onPurpose = closingOnPurpose;
  closingOnPurpose = false;
  if (!onPurpose && hasUnsavedChanges()) {
    // Closed by the browser past our cancel handler: open again, edits intact, and ask.
    dialog.showModal();
    showConfirm(discardConfirm);
    return;
  }
  showConfirm(null);
  if (window.location.hash.startsWith("#task-")) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  const deleted = afterDelete;
  afterDelete = null;
  if (deleted) {
    shown = null;
    deleted(); // the Undo toast takes the focus: the card it would go back to is gone
    return;
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
  dialog.addEventListener("cancel", onCancel);
  window.addEventListener("beforeunload", onBeforeUnload);
  window.addEventListener("hashchange", openFromHash);
  document.addEventListener("click", (event) => {
    const title = event.target.closest("#board-columns .card-title");
    if (title) openDialog(taskIdOf(title.closest(".card")), title);
  });
  openFromHash();
}
