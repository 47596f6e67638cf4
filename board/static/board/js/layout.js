// The board on a phone: one column at a time, chosen with the tabs above the columns (their counts
// come with every refresh of board/partials/columns.html), and the New task form behind a button.
// On wide screens the tabs and the button are hidden and all of this does nothing visible.
import { columnsElement } from "./columns.js";

const view = () => document.getElementById("board-view");

function shownColumn() {
  return view().dataset.phoneColumn;
}

// The tabs come fresh from the server on each refresh: mark the chosen one again.
export function syncTabs() {
  columnsElement()
    .querySelectorAll("[data-tab]")
    .forEach((tab) => {
      const chosen = tab.dataset.tab === shownColumn();
      tab.setAttribute("aria-selected", String(chosen));
      tab.tabIndex = chosen ? 0 : -1;
    });
}

export function showColumn(status) {
  view().dataset.phoneColumn = status;
  syncTabs();
}

// A card moved by keyboard to a column the phone does not show: show that column, so focus
// stays on a visible card.
export function followFocus(element = document.activeElement) {
  const section = element && element.closest("#board-columns section.column");
  if (section && section.dataset.status !== shownColumn()) showColumn(section.dataset.status);
}

export function setUpLayout() {
  syncTabs();
  document.addEventListener("click", (event) => {
    const tab = event.target.closest("#board-columns [data-tab]");
    if (tab) showColumn(tab.dataset.tab);
  });
  // The tabs pattern: arrows move between the tabs (and choose), Tab leaves the list.
  document.addEventListener("keydown", (event) => {
    const tab = event.target.closest && event.target.closest("#board-columns [data-tab]");
    if (!tab || (event.key !== "ArrowLeft" && event.key !== "ArrowRight")) return;
    const tabs = Array.from(tab.parentElement.querySelectorAll("[data-tab]"));
    const step = event.key === "ArrowRight" ? 1 : -1;
    const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
    event.preventDefault();
    showColumn(next.dataset.tab);
    columnsElement().querySelector('[data-tab="' + next.dataset.tab + '"]').focus();
  });

  const toggle = document.getElementById("new-task-toggle");
  const form = document.getElementById("add-task-form");
  if (toggle && form) {
    toggle.addEventListener("click", () => {
      const open = !form.classList.contains("is-open");
      form.classList.toggle("is-open", open);
      toggle.setAttribute("aria-expanded", String(open));
      if (open) form.elements.name.focus();
    });
  }
}
