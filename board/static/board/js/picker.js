// The assignee pickers (board/partials/assignee_picker.html): a checkbox list of the board's
// members, in the task dialog and, folded under a summary of who is picked, in the New task form.

export function pickedAssignees(picker) {
  return Array.from(picker.querySelectorAll('input[name="assignees"]:checked'), (box) => box.value).sort();
}

export function setPickedAssignees(picker, usernames) {
  const wanted = new Set(usernames);
  picker.querySelectorAll('input[name="assignees"]').forEach((box) => {
    box.checked = wanted.has(box.value);
  });
  updateSummary(picker);
}

function updateSummary(picker) {
  const summary = picker.querySelector("[data-picker-summary]");
  if (!summary) return;
  const names = Array.from(
    picker.querySelectorAll('input[name="assignees"]:checked'),
    (box) => box.closest("label").querySelector("[data-name]").textContent
  );
  summary.textContent = names.length ? names.join(", ") : "Nobody";
}

export function foldPicker(picker) {
  if (picker && picker.tagName === "DETAILS") picker.open = false;
}

export function setUpPicker(picker) {
  if (!picker) return;
  picker.addEventListener("change", () => updateSummary(picker));
  if (picker.tagName !== "DETAILS") return;
  // Folded again when focus or a click leaves it, as a menu would.
  document.addEventListener("click", (event) => {
    if (picker.open && !picker.contains(event.target)) picker.open = false;
  });
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && picker.open) {
      event.preventDefault();
      event.stopPropagation();
      picker.open = false;
      picker.querySelector("summary").focus();
    }
  });
  updateSummary(picker);
}
