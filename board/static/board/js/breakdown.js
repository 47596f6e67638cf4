// The task dialog's work breakdown: phases with checkable todos (Space toggles a focused one),
// comments with a box (Ctrl+Enter sends) and the timeline. The comments' HTML comes rendered and
// sanitised by the server (tasks/markdown.py: markdown-it without raw HTML, then nh3).
import { api, problem } from "./api.js";
import { canEdit, refreshColumns } from "./columns.js";
import { announce, showToast } from "./feedback.js";
import { localTime } from "./times.js";

const section = document.getElementById("task-breakdown");
let taskId = null;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderPhases(phases) {
  const list = section.querySelector("[data-phases]");
  list.replaceChildren();
  section.querySelector("[data-phases-empty]").hidden = phases.length > 0;
  for (const phase of phases) {
    const item = element("li", "breakdown-phase");
    item.dataset.phaseId = phase.id;
    const title = element("div", "breakdown-phase-title");
    title.append(element("span", "font-semibold", phase.name), " ", element("span", "chip", phase.status.replace("_", " ")));
    item.append(title);
    const todos = element("ul", "breakdown-todos");
    for (const todo of phase.todos) {
      const row = element("li");
      const label = element("label", "breakdown-todo");
      const box = element("input");
      box.type = "checkbox";
      box.checked = todo.status === "done";
      box.disabled = !canEdit();
      box.dataset.todoId = todo.id;
      label.append(box, " ", element("span", "", todo.name));
      if (todo.assignee) label.append(" ", element("span", "chip", "@" + todo.assignee));
      row.append(label);
      todos.append(row);
    }
    item.append(todos);
    list.append(item);
  }
}

function renderComments(comments) {
  const list = section.querySelector("[data-comments]");
  list.replaceChildren();
  for (const comment of comments) {
    const item = element("li", "breakdown-comment");
    item.dataset.commentId = comment.id;
    const meta = element("div", "text-xs text-slate-500 dark:text-slate-400", (comment.author_user || comment.author) + " · ");
    const time = element("time", "", "");
    time.setAttribute("datetime", comment.timestamp);
    time.textContent = localTime(comment.timestamp);
    meta.append(time);
    const body = element("div", "breakdown-comment-body");
    body.innerHTML = comment.html; // sanitised by the server (tasks/markdown.py)
    item.append(meta, body);
    list.append(item);
  }
}

async function renderTimeline() {
  const list = section.querySelector("[data-timeline]");
  const result = await api("GET", "/tasks/" + taskId + "/timeline?limit=50");
  list.replaceChildren();
  if (!result.ok) return;
  for (const entry of result.data) {
    let what;
    if (entry.type === "comment") {
      what = entry.comment.text.slice(0, 80);
    } else if (entry.type === "ping") {
      // A script's report: its kind, exit status and the start of its log (textContent: no HTML).
      what = "ping " + entry.kind + (entry.exit_status != null ? " (exit " + entry.exit_status + ")" : "") + (entry.body ? ": " + entry.body.slice(0, 80) : "");
    } else {
      what = entry.kind + (entry.changes && Object.keys(entry.changes).length ? ": " + Object.keys(entry.changes).join(", ") : "");
    }
    list.append(element("li", "text-xs", (entry.actor || "system") + " — " + what));
  }
}

export function showBreakdown(task) {
  if (!section) return;
  taskId = task.id;
  renderPhases(task.phases || []);
  renderComments(task.comments || []);
  section.querySelector("[data-progress]").textContent = (task.progress_percent || 0) + "%";
  renderTimeline();
}

async function reload() {
  const result = await api("GET", "/tasks/" + taskId);
  if (result.ok) showBreakdown(result.data);
  refreshColumns();
}

async function toggleTodo(box) {
  const status = box.checked ? "done" : "todo";
  const result = await api("PATCH", "/todos/" + box.dataset.todoId, { status });
  if (!result.ok) {
    box.checked = !box.checked;
    showToast(problem(result));
    return;
  }
  announce("Todo “" + result.data.name + "” " + (status === "done" ? "done." : "reopened."));
  await reload();
}

async function sendComment() {
  const box = section.querySelector("[data-comment-text]");
  const text = box.value.trim();
  if (!text) return;
  const result = await api("POST", "/tasks/" + taskId + "/comments", { text });
  if (!result.ok) {
    showToast(problem(result));
    return;
  }
  box.value = "";
  announce("Comment added.");
  await reload();
}

export function setUpBreakdown() {
  if (!section) return;
  section.addEventListener("change", (event) => {
    if (event.target.matches("input[data-todo-id]")) toggleTodo(event.target);
  });
  section.addEventListener("click", (event) => {
    if (event.target.closest('[data-action="send-comment"]')) sendComment();
  });
  section.addEventListener("keydown", (event) => {
    if (event.target.matches("[data-comment-text]") && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      sendComment();
    }
  });
}
