// The board switcher's menu (board/partials/switcher.html) and its "New board" dialog
// (board/partials/new_board_dialog.html), on every page with the switcher: the new board is made
// with POST /boards/ (its creator owns it) and the page goes to it.
import { api } from "./api.js";
import { clearErrors, showErrors } from "./forms.js";

const switcher = document.getElementById("board-switcher");
const dialog = document.getElementById("new-board-dialog");

function closeSwitcher(returnFocus) {
  if (!switcher || !switcher.open) return;
  switcher.open = false;
  if (returnFocus) switcher.querySelector("summary").focus();
}

if (switcher) {
  document.addEventListener("click", (event) => {
    if (!switcher.contains(event.target)) closeSwitcher(false);
  });
  switcher.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && switcher.open) {
      event.stopPropagation();
      closeSwitcher(true);
    }
  });
}

if (dialog) {
  const form = document.getElementById("new-board-form");
  let opener = null;

  document.querySelectorAll('[data-action="new-board"]').forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      opener = button;
      closeSwitcher(false);
      form.reset();
      clearErrors(form);
      dialog.showModal();
      form.elements.name.focus();
    });
  });

  dialog.addEventListener("click", (event) => {
    if (event.target === dialog || event.target.closest('[data-action="close-dialog"]')) dialog.close();
  });
  dialog.addEventListener("close", () => {
    const target = opener && document.contains(opener) && !opener.closest("[hidden]") ? opener : null;
    if (target && target.checkVisibility && target.checkVisibility()) target.focus();
    else if (switcher) switcher.querySelector("summary").focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    const result = await api("POST", "/boards/", {
      name: form.elements.name.value,
      visibility: form.elements.visibility.value,
    });
    button.disabled = false;
    if (!result.ok || !result.data || !result.data.id) {
      showErrors(form, result);
      return;
    }
    window.location.assign("/?board=" + result.data.id);
  });
}
