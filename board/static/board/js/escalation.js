// The board settings page's escalation form (board/templates/board/settings.html): owners set after
// how many unanswered reminders the board's owners are notified, through PATCH /boards/{id}.
import { api } from "./api.js";
import { announce } from "./feedback.js";
import { clearErrors, showErrors } from "./forms.js";

const form = document.getElementById("escalation-form");
if (form) {
  const boardUrl = "/boards/" + document.getElementById("board-settings").dataset.boardId;
  const input = form.elements.escalate_after_reminders;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const raw = input.value.trim();
    // Anything but a whole number goes as typed, so the API's 400 says what is allowed.
    const value = /^\d+$/.test(raw) ? Number(raw) : raw;
    const result = await api("PATCH", boardUrl, { escalate_after_reminders: value });
    if (!result.ok) {
      showErrors(form, result);
      return;
    }
    input.dataset.saved = String(result.data.escalate_after_reminders);
    input.value = input.dataset.saved;
    announce(result.data.escalate_after_reminders ? "Escalation saved." : "Escalation turned off.");
  });
}
