// Field errors next to their fields, and the New task form.
import { api, problem } from "./api.js";
import { boardId } from "./columns.js";
import { announce } from "./feedback.js";
import { readInterval } from "./intervals.js";
import { foldPicker, pickedAssignees, setPickedAssignees } from "./picker.js";
import { INTERVAL_MESSAGE, plainMessages } from "./words.js";

export function clearErrors(form) {
  form.querySelectorAll("[data-error-for]").forEach((element) => {
    element.textContent = "";
    element.hidden = true;
  });
  form.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
}

// A 400's {field: [messages]} next to each field, in plain words (words.js); anything else in the
// form's own error slot.
export function showErrors(form, result) {
  const errors = result.status === 400 && result.data && typeof result.data === "object" ? result.data : null;
  const leftOver = [];
  let firstInvalid = null;
  if (errors) {
    for (const field of Object.keys(errors)) {
      const messages = plainMessages(field, errors[field], form.dataset.subject || "task");
      const slot = form.querySelector('[data-error-for="' + field + '"]');
      // The interval's number stands for interval_minutes (partials/interval_input.html).
      const input = form.querySelector('[name="' + field + '"], [data-field="' + field + '"]');
      if (slot && field !== "form") {
        slot.textContent = messages;
        slot.hidden = false;
        if (input) {
          input.setAttribute("aria-invalid", "true");
          firstInvalid = firstInvalid || input;
        }
      } else {
        leftOver.push(field === "detail" || field === "non_field_errors" ? messages : field + ": " + messages);
      }
    }
  } else {
    leftOver.push(problem(result));
  }
  if (leftOver.length) {
    const slot = form.querySelector('[data-error-for="form"]');
    slot.textContent = leftOver.join(" ");
    slot.hidden = false;
  }
  if (firstInvalid) firstInvalid.focus();
}

// An error found before anything is sent, shown as the API's would be.
export function showFieldError(form, field, message) {
  showErrors(form, { status: 400, data: { [field]: [message] } });
}

export function setUpAddTask(onAdded) {
  const form = document.getElementById("add-task-form");
  if (!form) return;
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = {
      board: Number(boardId()),
      name: form.elements.name.value,
      description: form.elements.description.value,
    };
    const interval = readInterval(form);
    if (Number.isNaN(interval)) {
      showFieldError(form, "interval_minutes", INTERVAL_MESSAGE);
      return;
    }
    if (interval !== null) body.interval_minutes = interval;
    const picker = document.getElementById("add-assignees");
    const assignees = picker ? pickedAssignees(picker) : [];
    if (assignees.length) body.assignees = assignees;
    button.disabled = true;
    const result = await api("POST", "/tasks/", body);
    button.disabled = false;
    if (!result.ok) {
      showErrors(form, result);
      return;
    }
    form.reset();
    if (picker) {
      setPickedAssignees(picker, []);
      foldPicker(picker);
    }
    form.elements.name.focus();
    announce("Task “" + result.data.name + "” added to To Do.");
    onAdded();
  });
  button.disabled = false; // the page ships it disabled until this handler is attached
}
