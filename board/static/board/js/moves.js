// Moving cards: by drag and drop (SortableJS) and by the arrow buttons, which this module adds to
// each card from one shared <template> (they need the script anyway, and the page stays small).
import { api, problem } from "./api.js";
import { announce, showToast } from "./feedback.js";
import { canEdit, columnsElement, keepFocusAfterMove, keepInView, pauseRefreshes, refreshColumns, resumeRefreshes, taskIdOf } from "./columns.js";

let sortables = [];

// The body of a move request, the one place that says how a move is sent. `placed` is the card
// where it was dropped, or null for the end of the column. It names a neighbour, not an index: the
// list may show only some of the column's cards (a search, a capped column).
export function moveRequest(status, placed) {
  const body = { status };
  const previous = placed && placed.previousElementSibling;
  const next = placed && placed.nextElementSibling;
  if (previous && previous.matches(".card")) body.after = Number(taskIdOf(previous));
  else if (next && next.matches(".card")) body.before = Number(taskIdOf(next));
  return body;
}

function columnLabel(section) {
  return section.querySelector("h2").textContent.trim();
}

async function moveTask(taskId, body) {
  keepInView(taskId);
  const card = document.getElementById("task-" + taskId);
  if (card) card.classList.add("is-moving");
  const result = await api("PATCH", "/tasks/" + taskId, body);
  if (!result.ok) {
    showToast("The card could not be moved. " + problem(result));
  } else {
    const section = columnsElement().querySelector('section.column[data-status="' + result.data.status + '"]');
    announce("Moved “" + result.data.name + "” to " + (section ? columnLabel(section) : body.status) + ".");
  }
  await refreshColumns();
}

// Arrow buttons for every card under `root` (the page's columns, or a fresh fragment before it is
// swapped in, so the swap sees no difference on unchanged cards).
export function addMoveButtons(root) {
  const template = document.getElementById("move-buttons");
  // None when the viewer's role no longer allows moves (the server says so in each fragment).
  if (!template || root.dataset.canEdit === "false") return;
  const sections = Array.from(root.querySelectorAll("section.column"));
  sections.forEach((section, index) => {
    const targets = { previous: sections[index - 1], next: sections[index + 1] };
    section.querySelectorAll(".card").forEach((card) => {
      if (card.querySelector(".card-moves")) return;
      const name = card.querySelector(".card-title").textContent;
      const moves = template.content.firstElementChild.cloneNode(true);
      for (const button of Array.from(moves.children)) {
        const target = targets[button.dataset.move];
        if (!target) {
          button.remove();
          continue;
        }
        button.dataset.to = target.dataset.status;
        button.setAttribute("aria-label", "Move " + name + " to " + columnLabel(target));
        button.title = "Move to " + columnLabel(target);
      }
      card.querySelector(".card-meta").append(moves);
    });
  });
}

export function setUpSorting() {
  sortables.forEach((sortable) => sortable.destroy());
  sortables = [];
  if (!canEdit() || typeof window.Sortable === "undefined") return;
  columnsElement()
    .querySelectorAll(".card-list")
    .forEach((list) => {
      sortables.push(
        window.Sortable.create(list, {
          group: "board",
          draggable: ".card",
          animation: 150,
          // Sortable's own pointer handling instead of native drag and drop: one code path for
          // mouse and touch, and a click that does not move stays a click.
          forceFallback: true,
          fallbackTolerance: 4,
          delay: 120,
          delayOnTouchOnly: true,
          onStart: pauseRefreshes,
          onEnd: (event) => {
            const moved = event.from !== event.to || event.oldDraggableIndex !== event.newDraggableIndex;
            if (moved) {
              keepFocusAfterMove(taskIdOf(event.item), null); // on the card's title, not <body>
              moveTask(taskIdOf(event.item), moveRequest(event.to.dataset.status, event.item));
            }
            resumeRefreshes();
          },
        })
      );
    });
}

export function setUpMoveButtons() {
  document.addEventListener("click", (event) => {
    const button = event.target.closest("#board-columns [data-move]");
    if (!button) return;
    const taskId = taskIdOf(button.closest(".card"));
    keepFocusAfterMove(taskId, button.dataset.move);
    // Arrow-button moves go to the end of the target column.
    moveTask(taskId, moveRequest(button.dataset.to, null));
  });
}
