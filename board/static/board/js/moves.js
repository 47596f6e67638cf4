// Moving cards: by drag and drop (SortableJS), by the arrow buttons, which this module adds to
// each card from one shared <template> (they need the script anyway, and the page stays small),
// and by the keyboard on a focused card (Alt+arrows move it, arrows move focus between cards).
// Every move is announced in the live region with the card's new place.
import { api, problem } from "./api.js";
import { announce, showToast } from "./feedback.js";
import { canEdit, columnsElement, keepFocusAfterMove, keepInView, pauseRefreshes, refreshColumns, resumeRefreshes, taskIdOf } from "./columns.js";
import { followFocus, showColumn } from "./layout.js";

let sortables = [];
// Moves go to the server one after another, so quick key presses arrive in the order made; the
// columns hold still until the last one is sent, so each press builds on the one before.
let moveQueue = Promise.resolve();
let queuedMoves = 0;

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

function sectionOf(status) {
  return columnsElement().querySelector('section.column[data-status="' + status + '"]');
}

// "Moved “Deploy” to In Progress, position 2 of 5." read from the refreshed page. A move to the
// end is at the end even when the column shows only its first cards; Done shows its latest ones,
// after the earlier cards it does not show.
function movedMessage(task, body) {
  const section = sectionOf(task.status);
  const card = document.getElementById("task-" + task.id);
  const moved = "Moved “" + task.name + "” to " + (section ? columnLabel(section) : task.status);
  if (!section || !card || !section.contains(card)) return moved + ".";
  const count = Number(section.querySelector(".count").textContent);
  const toEnd = body.before === undefined && body.after === undefined;
  const earlier = Number(card.parentElement.dataset.earlier || 0);
  const position = toEnd ? count : earlier + Array.from(section.querySelectorAll(".card")).indexOf(card) + 1;
  return moved + ", position " + position + " of " + count + ".";
}

async function moveTask(taskId, body) {
  keepInView(taskId);
  const card = document.getElementById("task-" + taskId);
  if (card) card.classList.add("is-moving");
  const result = await api("PATCH", "/tasks/" + taskId, body);
  if (!result.ok) showToast("The card could not be moved. " + problem(result));
  queuedMoves -= 1;
  resumeRefreshes(); // the queue's pause for this move
  // The last move of a quick series refreshes and says where the card ended up.
  if (queuedMoves > 0) return;
  await refreshColumns();
  if (result.ok) announce(movedMessage(result.data, body));
}

function queueMove(taskId, body) {
  queuedMoves += 1;
  pauseRefreshes();
  moveQueue = moveQueue.then(() => moveTask(taskId, body)).catch(() => {});
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
              queueMove(taskIdOf(event.item), moveRequest(event.to.dataset.status, event.item));
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
    // On a phone, a keyboard press (no pointer: detail 0) follows the card to the column it goes
    // to, where focus stays; a tap keeps the column in view, to move the next card.
    if (event.detail === 0) showColumn(button.dataset.to);
    // Arrow-button moves go to the end of the target column.
    queueMove(taskId, moveRequest(button.dataset.to, null));
  });
}

function cardsOf(list) {
  return Array.from(list.querySelectorAll(":scope > .card"));
}

// Alt+ArrowUp/Down: one place up or down the column; Alt+ArrowLeft/Right: to the end of the
// column beside, as the arrow buttons do. The card moves on the page at once, keeps focus, and
// the move goes to the server behind the ones before it.
function moveByKey(card, key) {
  const name = card.querySelector(".card-title").textContent;
  const list = card.parentElement;
  const section = card.closest("section.column");
  let status = section.dataset.status;
  let placed = card;
  if (key === "ArrowUp" || key === "ArrowDown") {
    const cards = cardsOf(list);
    const neighbour = cards[cards.indexOf(card) + (key === "ArrowUp" ? -1 : 1)];
    if (!neighbour) {
      announce("“" + name + "” is already " + (key === "ArrowUp" ? "first" : "last") + " in " + columnLabel(section) + ".");
      return;
    }
    if (key === "ArrowUp") neighbour.before(card);
    else neighbour.after(card);
  } else {
    const sections = Array.from(columnsElement().querySelectorAll("section.column"));
    const target = sections[sections.indexOf(section) + (key === "ArrowLeft" ? -1 : 1)];
    if (!target) {
      announce("“" + name + "” is already in the " + (key === "ArrowLeft" ? "first" : "last") + " column.");
      return;
    }
    const targetList = target.querySelector(".card-list");
    targetList.querySelectorAll(".empty").forEach((empty) => empty.remove());
    targetList.append(card);
    status = target.dataset.status;
    placed = null;
  }
  const taskId = taskIdOf(card);
  followFocus(card);
  card.querySelector(".card-title").focus();
  keepFocusAfterMove(taskId, null);
  queueMove(taskId, moveRequest(status, placed));
}

// ArrowUp/Down: the card above or below; ArrowLeft/Right: the card at the same height in the
// column beside (the nearest one there). Tab still visits every control in order.
function focusByKey(card, key) {
  const list = card.parentElement;
  const cards = cardsOf(list);
  const index = cards.indexOf(card);
  let target = null;
  if (key === "ArrowUp" || key === "ArrowDown") {
    target = cards[index + (key === "ArrowUp" ? -1 : 1)];
  } else {
    const sections = Array.from(columnsElement().querySelectorAll("section.column"));
    const section = sections[sections.indexOf(card.closest("section.column")) + (key === "ArrowLeft" ? -1 : 1)];
    const there = section ? cardsOf(section.querySelector(".card-list")) : [];
    target = there[Math.min(index, there.length - 1)];
  }
  if (!target) return;
  followFocus(target);
  target.querySelector(".card-title").focus();
}

const ARROWS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"];

export function setUpKeyboard() {
  document.addEventListener("keydown", (event) => {
    if (!ARROWS.includes(event.key) || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const card = event.target.closest && event.target.closest("#board-columns .card");
    if (!card) return;
    // Alt+ArrowLeft would otherwise also be the browser's Back.
    event.preventDefault();
    if (!event.altKey) focusByKey(card, event.key);
    else if (canEdit()) moveByKey(card, event.key);
  });
}
