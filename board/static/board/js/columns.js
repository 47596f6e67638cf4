// The columns: re-fetched as server HTML (board/partials/columns.html) whenever something changed,
// one request at a time, never in the middle of a drag, keeping focus on the card it was on.
import { fetchFragment, swapIn } from "./fragments.js";
import { refreshRelativeTimes } from "./times.js";

let inFlight = null;
let nextRefresh = null;
// How many things hold the columns still: a drag, moves still on their way to the server.
let pauses = 0;
// Counts pauses ever begun: a fragment fetched across one may predate a move made meanwhile.
let pauseGeneration = 0;
let missedWhilePaused = false;
let focusAfterMove = null;
let keptTaskId = null;
// Set by main.js: what the moves add to fresh cards, and what to redo after each swap.
let hooks = { prepare: () => {}, afterSwap: () => {} };

export function columnsElement() {
  return document.getElementById("board-columns");
}

export function canEdit() {
  return columnsElement().dataset.canEdit === "true";
}

// The board this page shows (`/?board=<id>`): every fragment, poll and write names it.
export function boardId() {
  return columnsElement().dataset.boardId;
}

export function taskIdOf(card) {
  return card.id.slice("task-".length);
}

export function onRender(prepare, afterSwap) {
  hooks = { prepare, afterSwap };
}

// While a card is being dragged (or keyboard moves are still being sent) the columns stay as
// they are; one refresh follows the last of them.
export function pauseRefreshes() {
  pauses += 1;
  pauseGeneration += 1;
}

export function resumeRefreshes() {
  pauses = Math.max(0, pauses - 1);
  if (pauses === 0 && missedWhilePaused) {
    missedWhilePaused = false;
    refreshColumns();
  }
}

// After an arrow-button move, focus follows the card to its new column, on the same arrow.
export function keepFocusAfterMove(taskId, direction) {
  focusAfterMove = { taskId, direction };
}

// The card moved last: the server shows it even past a column's cap, so it stays in sight.
export function keepInView(taskId) {
  keptTaskId = taskId;
}

function boardQuery() {
  const params = new URLSearchParams(window.location.search);
  const query = new URLSearchParams();
  query.set("board", boardId());
  if (params.get("q")) query.set("q", params.get("q"));
  if (params.get("assignee")) query.set("assignee", params.get("assignee"));
  for (const name of ["priority", "tag", "due"]) if (params.get(name)) query.set(name, params.get(name));
  params.getAll("show").forEach((status) => query.append("show", status));
  if (keptTaskId) query.set("keep", keptTaskId);
  return query.toString();
}

function focusedPlace() {
  if (focusAfterMove) return focusAfterMove;
  const active = document.activeElement;
  const card = active && columnsElement().contains(active) ? active.closest(".card") : null;
  return card ? { taskId: taskIdOf(card), direction: active.dataset.move } : null;
}

function restoreFocus(place) {
  if (!place) return;
  const card = document.getElementById("task-" + place.taskId);
  if (!card) return;
  const active = document.activeElement;
  if (card.contains(active) && (!place.direction || active.dataset.move === place.direction)) return;
  const arrow =
    place.direction &&
    (card.querySelector('[data-move="' + place.direction + '"]') || card.querySelector("[data-move]"));
  (arrow || card.querySelector(".card-title")).focus();
}

async function fetchAndSwap() {
  const query = boardQuery();
  const generation = pauseGeneration;
  const fresh = await fetchFragment("/board/columns?" + query, "board-columns");
  if (!fresh) return;
  if (pauses > 0) {
    missedWhilePaused = true;
    return;
  }
  if (generation !== pauseGeneration) return fetchAndSwap(); // may not show the latest move yet
  const current = columnsElement();
  const known = new Set(Array.from(current.querySelectorAll(".card"), (card) => card.id));
  fresh.querySelectorAll(".card").forEach((card) => {
    if (!known.has(card.id)) card.classList.add("is-new");
  });
  hooks.prepare(fresh);
  refreshRelativeTimes(fresh);
  const place = focusedPlace();
  swapIn(current, fresh);
  restoreFocus(place);
  focusAfterMove = null;
  hooks.afterSwap();
}

// One request at a time; calls meanwhile make one more after it, so the last change always shows.
// The promise settles once a refresh that started after the call has been swapped in (a move
// announces the card's new place from the page).
export function refreshColumns() {
  if (pauses > 0) {
    missedWhilePaused = true;
    return Promise.resolve();
  }
  if (inFlight) {
    if (!nextRefresh) {
      nextRefresh = inFlight.then(() => {
        nextRefresh = null;
        return refreshColumns();
      });
    }
    return nextRefresh;
  }
  inFlight = fetchAndSwap()
    .catch(() => {})
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}
