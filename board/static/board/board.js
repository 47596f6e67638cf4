/*
 * The board's behaviour on top of the server-rendered page.
 *
 * - Writes go to the REST API with the session cookie and the CSRF token.
 * - Live updates: Server-Sent Events from /events/; when they are unavailable (no EventSource, or
 *   the server answers 503 because Redis is down) the page polls /board/state with an ETag instead.
 *   Either way a change re-fetches the columns as HTML rendered (and escaped) by the server.
 * - Every string from data goes into the page through textContent or attributes, never innerHTML.
 */
(function () {
  "use strict";

  const POLL_MILLISECONDS = 2500;
  const SSE_RETRY_MILLISECONDS = 30000;
  const board = document.getElementById("board-columns");
  if (!board) return;

  const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  const liveRegion = document.getElementById("live-region");
  const toast = document.getElementById("toast");
  const connectionState = document.getElementById("connection-state");

  function canEdit() {
    return document.getElementById("board-columns").dataset.canEdit === "true";
  }

  // ---------------------------------------------------------------- small helpers

  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    let response;
    try {
      response = await fetch(url, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
      });
    } catch (error) {
      return { ok: false, status: 0, data: null };
    }
    let data = null;
    const type = response.headers.get("Content-Type") || "";
    if (type.includes("json")) {
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  function problem(result) {
    if (result.status === 0) return "Could not reach the server. Check your connection and try again.";
    if (result.status === 401 || result.status === 403) {
      return "You are not allowed to do that. Your session may have ended: log in again.";
    }
    if (result.status === 404) return "That task no longer exists.";
    if (result.data && typeof result.data.detail === "string") return result.data.detail;
    return "Something went wrong (" + result.status + "). Please try again.";
  }

  function announce(message) {
    // Clear first so the same message twice is announced twice.
    liveRegion.textContent = "";
    window.setTimeout(function () {
      liveRegion.textContent = message;
    }, 50);
  }

  let toastTimer = null;
  function showToast(message) {
    toast.textContent = message;
    toast.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(function () {
      toast.hidden = true;
    }, 6000);
  }

  // Same wording as tasks/templatetags/board.py.
  function amount(seconds) {
    const units = [
      [86400, "d"],
      [3600, "h"],
      [60, "min"],
    ];
    // Whole minutes first: 59.9 min reads "1 h", not "60 min".
    if (seconds >= 60) seconds = Math.round(seconds / 60) * 60;
    for (const [size, unit] of units) {
      if (seconds >= size) return Math.round(seconds / size) + " " + unit;
    }
    return Math.round(seconds) + " s";
  }

  function relativeTime(iso) {
    if (!iso) return "";
    const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
    if (Math.abs(seconds) < 60) return "now";
    return seconds > 0 ? "in " + amount(seconds) : amount(-seconds) + " ago";
  }

  function refreshRelativeTimes(root) {
    root.querySelectorAll("time[data-relative]").forEach(function (element) {
      const iso = element.getAttribute("datetime");
      element.textContent = iso ? relativeTime(iso) : "—";
      if (iso) element.title = new Date(iso).toLocaleString();
    });
  }

  // ---------------------------------------------------------------- the columns

  let refreshing = null;
  let refreshAgain = false;
  let dragging = false;
  let refreshAfterDrag = false;
  let pendingFocus = null;

  // The card moved last: the server shows it even past a column's cap, so it stays in sight.
  let keepTaskId = null;

  function boardQuery() {
    const params = new URLSearchParams(window.location.search);
    const query = new URLSearchParams();
    const search = params.get("q");
    if (search) query.set("q", search);
    params.getAll("show").forEach(function (status) {
      query.append("show", status);
    });
    if (keepTaskId) query.set("keep", keepTaskId);
    return query.toString();
  }

  function rememberFocus() {
    if (pendingFocus) return pendingFocus;
    const active = document.activeElement;
    const columns = document.getElementById("board-columns");
    if (!active || !columns.contains(active)) return null;
    const card = active.closest("[data-task-id]");
    if (!card) return null;
    return { taskId: card.dataset.taskId, action: active.dataset.action, direction: active.dataset.direction };
  }

  function restoreFocus(focus) {
    if (!focus) return;
    const card = document.getElementById("task-" + focus.taskId);
    if (!card) return;
    let target = null;
    if (focus.action === "move") {
      // Keep going the same way: after "move right", the next "move right" is one key away.
      target =
        card.querySelector('[data-action="move"][data-direction="' + focus.direction + '"]') ||
        card.querySelector('[data-action="move"]');
    }
    (target || card.querySelector('[data-action="open"]')).focus();
  }

  async function refreshBoard() {
    if (dragging) {
      refreshAfterDrag = true;
      return;
    }
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = (async function () {
      const query = boardQuery();
      let response;
      try {
        response = await fetch("/board/columns" + (query ? "?" + query : ""), {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "text/html" },
        });
      } catch (error) {
        return;
      }
      if (!response.ok) return;
      const html = await response.text();
      if (dragging) {
        refreshAfterDrag = true;
        return;
      }
      // Parsed as an inert document (scripts never run) from HTML the server escaped.
      const parsed = new DOMParser().parseFromString(html, "text/html");
      const fresh = parsed.getElementById("board-columns");
      if (!fresh) return;
      const current = document.getElementById("board-columns");
      const known = new Set(
        Array.from(current.querySelectorAll("[data-task-id]")).map(function (card) {
          return card.dataset.taskId;
        })
      );
      const focus = rememberFocus();
      pendingFocus = null;
      const adopted = document.importNode(fresh, true);
      adopted.querySelectorAll("[data-task-id]").forEach(function (card) {
        if (!known.has(card.dataset.taskId)) card.classList.add("is-new");
      });
      current.replaceWith(adopted);
      refreshRelativeTimes(adopted);
      setUpSorting();
      restoreFocus(focus);
    })();
    try {
      await refreshing;
    } finally {
      refreshing = null;
      if (refreshAgain) {
        refreshAgain = false;
        refreshBoard();
      }
    }
  }

  // ---------------------------------------------------------------- search

  const searchForm = document.getElementById("search-form");
  const searchInput = document.getElementById("search");
  let searchTimer = null;

  function applySearch() {
    const params = new URLSearchParams(window.location.search);
    const value = searchInput.value.trim();
    if (value) params.set("q", value);
    else params.delete("q");
    const query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    refreshBoard();
  }

  if (searchForm) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(searchTimer);
      applySearch();
    });
    searchInput.addEventListener("input", function () {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(applySearch, 250);
    });
  }

  // ---------------------------------------------------------------- field errors

  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach(function (element) {
      element.textContent = "";
      element.hidden = true;
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (element) {
      element.removeAttribute("aria-invalid");
    });
  }

  function showErrors(form, result) {
    const errors = result.status === 400 && result.data && typeof result.data === "object" ? result.data : null;
    const leftOver = [];
    let firstInvalid = null;
    if (errors) {
      Object.keys(errors).forEach(function (field) {
        const messages = [].concat(errors[field]).join(" ");
        const slot = form.querySelector('[data-error-for="' + field + '"]');
        const input = form.querySelector('[name="' + field + '"]');
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
      });
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

  // ---------------------------------------------------------------- add a task

  const addForm = document.getElementById("add-task-form");
  if (addForm) {
    addForm.addEventListener("submit", async function (event) {
      event.preventDefault();
      clearErrors(addForm);
      const body = {
        name: addForm.elements.name.value,
        description: addForm.elements.description.value,
      };
      const interval = addForm.elements.interval_minutes.value.trim();
      if (interval) body.interval_minutes = interval;
      const button = addForm.querySelector('button[type="submit"]');
      button.disabled = true;
      const result = await api("POST", "/tasks/", body);
      button.disabled = false;
      if (!result.ok) {
        showErrors(addForm, result);
        return;
      }
      addForm.reset();
      addForm.elements.name.focus();
      announce("Task “" + result.data.name + "” added to To Do.");
      refreshBoard();
    });
  }

  // ---------------------------------------------------------------- moving cards

  // `anchor` is {before: id} or {after: id}, a card of the target column; null: its end.
  async function moveTask(taskId, status, anchor) {
    const body = Object.assign({ status: status }, anchor || {});
    keepTaskId = taskId;
    const card = document.getElementById("task-" + taskId);
    if (card) card.classList.add("is-moving");
    const result = await api("PATCH", "/tasks/" + taskId, body);
    if (!result.ok) {
      showToast("The card could not be moved. " + problem(result));
    } else {
      const column = document.getElementById("column-" + result.data.status + "-title");
      announce("Moved “" + result.data.name + "” to " + (column ? column.textContent.trim() : status) + ".");
    }
    await refreshBoard();
  }

  let sortables = [];
  function setUpSorting() {
    sortables.forEach(function (sortable) {
      sortable.destroy();
    });
    sortables = [];
    if (!canEdit() || typeof window.Sortable === "undefined") return;
    document.querySelectorAll("#board-columns .card-list").forEach(function (list) {
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
          onStart: function () {
            dragging = true;
          },
          onEnd: function (event) {
            dragging = false;
            const moved = event.from !== event.to || event.oldDraggableIndex !== event.newDraggableIndex;
            if (moved) {
              // Name a neighbour, not an index: the list may show only some of the column's cards
              // (a search, a capped column).
              const previous = event.item.previousElementSibling;
              const next = event.item.nextElementSibling;
              let anchor = null;
              if (previous && previous.dataset.taskId) anchor = { after: Number(previous.dataset.taskId) };
              else if (next && next.dataset.taskId) anchor = { before: Number(next.dataset.taskId) };
              pendingFocus = { taskId: event.item.dataset.taskId, action: "open" };
              moveTask(event.item.dataset.taskId, event.to.dataset.status, anchor);
            } else if (refreshAfterDrag) {
              refreshBoard();
            }
            refreshAfterDrag = false;
          },
        })
      );
    });
  }

  // ---------------------------------------------------------------- details dialog

  const dialog = document.getElementById("task-dialog");
  const taskForm = document.getElementById("task-form");
  const deleteConfirm = document.getElementById("delete-confirm");
  let dialogTask = null;
  let dialogOpener = null;

  function setTime(id, iso) {
    const element = document.getElementById(id);
    if (iso) element.setAttribute("datetime", iso);
    else element.removeAttribute("datetime");
  }

  async function openDialog(taskId, opener) {
    const result = await api("GET", "/tasks/" + taskId);
    if (!result.ok) {
      showToast(problem(result));
      return;
    }
    const task = result.data;
    dialogTask = task;
    dialogOpener = opener || null;
    clearErrors(taskForm);
    if (deleteConfirm) deleteConfirm.hidden = true;
    taskForm.elements.name.value = task.name;
    taskForm.elements.description.value = task.description || "";
    taskForm.elements.interval_minutes.value = String(task.interval_minutes);
    taskForm.elements.status.value = task.status;
    setTime("detail-last-ping", task.last_ping);
    setTime("detail-next-reminder", task.next_reminder_at);
    setTime("detail-created", task.created_at);
    refreshRelativeTimes(dialog);
    if (!dialog.open) dialog.showModal();
    taskForm.elements.name.focus();
  }

  function closeDialog() {
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener("close", function () {
    if (window.location.hash.startsWith("#task-")) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    const opener = dialogOpener && document.contains(dialogOpener) ? dialogOpener : null;
    const card = dialogTask && document.getElementById("task-" + dialogTask.id);
    const target = opener || (card && card.querySelector('[data-action="open"]'));
    if (target) target.focus();
    dialogTask = null;
  });

  taskForm.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!dialogTask || !canEdit()) return;
    clearErrors(taskForm);
    const body = {};
    const name = taskForm.elements.name.value;
    const description = taskForm.elements.description.value;
    const interval = taskForm.elements.interval_minutes.value.trim();
    const status = taskForm.elements.status.value;
    if (name !== dialogTask.name) body.name = name;
    if (description !== (dialogTask.description || "")) body.description = description;
    if (interval !== String(dialogTask.interval_minutes)) body.interval_minutes = interval;
    if (status !== dialogTask.status) body.status = status;
    if (Object.keys(body).length === 0) {
      closeDialog();
      return;
    }
    const result = await api("PATCH", "/tasks/" + dialogTask.id, body);
    if (!result.ok) {
      showErrors(taskForm, result);
      return;
    }
    announce("Saved “" + result.data.name + "”.");
    closeDialog();
    refreshBoard();
  });

  dialog.addEventListener("click", async function (event) {
    // A click on the backdrop lands on the dialog element itself.
    if (event.target === dialog) {
      closeDialog();
      return;
    }
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const action = button.dataset.action;
    if (action === "close-dialog") {
      closeDialog();
    } else if (action === "delete") {
      deleteConfirm.hidden = false;
      deleteConfirm.querySelector('[data-action="cancel-delete"]').focus();
    } else if (action === "cancel-delete") {
      deleteConfirm.hidden = true;
      taskForm.querySelector('[data-action="delete"]').focus();
    } else if (action === "confirm-delete" && dialogTask) {
      const task = dialogTask;
      const result = await api("DELETE", "/tasks/" + task.id);
      if (!result.ok) {
        deleteConfirm.hidden = true;
        showErrors(taskForm, result);
        return;
      }
      dialogOpener = null;
      closeDialog();
      announce("Deleted “" + task.name + "”.");
      refreshBoard();
    }
  });

  function openFromHash() {
    const match = /^#task-(\d+)$/.exec(window.location.hash);
    if (match) openDialog(match[1]);
  }
  window.addEventListener("hashchange", openFromHash);

  // ---------------------------------------------------------------- clicks on the board

  document.addEventListener("click", function (event) {
    const button = event.target.closest("#board-columns [data-action]");
    if (!button) return;
    const card = button.closest("[data-task-id]");
    if (button.dataset.action === "open" && card) {
      openDialog(card.dataset.taskId, button);
    } else if (button.dataset.action === "move" && card) {
      pendingFocus = { taskId: card.dataset.taskId, action: "move", direction: button.dataset.direction };
      // Keyboard and button moves go to the end of the target column.
      moveTask(card.dataset.taskId, button.dataset.to, null);
    }
  });

  // ---------------------------------------------------------------- notifications

  const bell = document.getElementById("bell");
  const panel = document.getElementById("notifications-panel");
  const list = document.getElementById("notifications-list");
  const emptyState = document.getElementById("notifications-empty");
  const unreadBadge = document.getElementById("unread-count");
  const unreadLabel = document.getElementById("unread-label");
  const markAllButton = document.getElementById("mark-all-read");
  const desktopButton = document.getElementById("desktop-notifications");
  const desktopState = document.getElementById("desktop-notifications-state");
  const loggedIn = Boolean(markAllButton);
  // Notifications with a higher id arrived after the page was rendered.
  let newestSeenId = Number(bell.dataset.newestUnreadId || 0);

  function setUnread(count) {
    unreadBadge.dataset.count = String(count);
    unreadBadge.textContent = count > 99 ? "99+" : String(count);
    unreadBadge.hidden = count === 0;
    unreadLabel.textContent = " (" + count + " unread)";
  }

  async function refreshUnread() {
    const result = await api("GET", "/notifications/unread-count");
    if (result.ok && result.data) setUnread(result.data.unread_count);
  }

  function notificationItem(notification) {
    const item = document.createElement("li");
    item.className = "notification" + (notification.is_read ? "" : " is-unread");
    item.dataset.notificationId = String(notification.id);

    const dot = document.createElement("span");
    dot.className =
      "mt-1.5 size-2 shrink-0 rounded-full " + (notification.is_read ? "bg-transparent" : "bg-indigo-500");
    dot.setAttribute("aria-hidden", "true");

    const body = document.createElement("div");
    body.className = "min-w-0 flex-1";
    const message = document.createElement("p");
    message.className = "break-words text-slate-800 dark:text-slate-100";
    message.textContent = notification.message;
    const meta = document.createElement("p");
    meta.className = "mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500 dark:text-slate-400";
    const when = document.createElement("time");
    when.setAttribute("datetime", notification.created_at);
    when.dataset.relative = "";
    when.textContent = relativeTime(notification.created_at);
    meta.appendChild(when);
    // `task_id` is the original's field name; `task` is accepted too.
    const taskId = notification.task_id !== undefined ? notification.task_id : notification.task;
    if (taskId) {
      const link = document.createElement("a");
      link.href = "#task-" + taskId;
      link.className = "link";
      link.dataset.action = "open-task";
      link.dataset.taskId = String(taskId);
      link.textContent = "Open task";
      meta.appendChild(link);
    }
    if (!notification.is_read && loggedIn) {
      const mark = document.createElement("button");
      mark.type = "button";
      mark.className = "link";
      mark.dataset.action = "mark-read";
      mark.textContent = "Mark read";
      mark.setAttribute("aria-label", "Mark read: " + notification.message);
      meta.appendChild(mark);
    }
    body.append(message, meta);
    item.append(dot, body);
    return item;
  }

  async function loadNotifications() {
    const result = await api("GET", "/notifications/?limit=20");
    if (!result.ok || !Array.isArray(result.data)) {
      emptyState.textContent = "Notifications could not be loaded. " + problem(result);
      emptyState.hidden = false;
      return null;
    }
    list.replaceChildren.apply(list, result.data.map(notificationItem));
    emptyState.textContent = "No notifications yet.";
    emptyState.hidden = result.data.length > 0;
    return result.data;
  }

  function openPanel() {
    panel.hidden = false;
    bell.setAttribute("aria-expanded", "true");
    loadNotifications();
    updateDesktopControls();
  }

  function closePanel(returnFocus) {
    if (panel.hidden) return;
    panel.hidden = true;
    bell.setAttribute("aria-expanded", "false");
    if (returnFocus) bell.focus();
  }

  bell.addEventListener("click", function () {
    if (panel.hidden) openPanel();
    else closePanel(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !panel.hidden && !dialog.open) closePanel(true);
  });

  document.addEventListener("click", function (event) {
    if (!panel.hidden && !panel.contains(event.target) && !bell.contains(event.target)) closePanel(false);
  });

  panel.addEventListener("click", async function (event) {
    const target = event.target.closest("[data-action]");
    if (!target) return;
    if (target.dataset.action === "open-task") {
      event.preventDefault();
      closePanel(false);
      openDialog(target.dataset.taskId);
    } else if (target.dataset.action === "mark-read") {
      const item = target.closest("[data-notification-id]");
      const result = await api("PATCH", "/notifications/" + item.dataset.notificationId + "/read");
      if (!result.ok) {
        showToast(problem(result));
        return;
      }
      await Promise.all([loadNotifications(), refreshUnread()]);
      bell.focus();
    }
  });

  if (markAllButton) {
    markAllButton.addEventListener("click", async function () {
      const result = await api("POST", "/notifications/read-all");
      if (!result.ok) {
        showToast(problem(result));
        return;
      }
      await Promise.all([loadNotifications(), refreshUnread()]);
      announce("All notifications marked read.");
    });
  }

  // New notifications: announce them, and raise a desktop notification for reminders when allowed.
  async function noticeNewNotifications() {
    const result = await api("GET", "/notifications/?limit=20");
    if (!result.ok || !Array.isArray(result.data)) return;
    const notifications = result.data;
    const newest = notifications.reduce(function (top, item) {
      return Math.max(top, item.id);
    }, 0);
    const fresh = notifications.filter(function (item) {
      return item.id > newestSeenId && !item.is_read;
    });
    if (fresh.length === 1) announce("New notification: " + fresh[0].message);
    else if (fresh.length > 1) announce(fresh.length + " new notifications. " + fresh[0].message);
    if ("Notification" in window && Notification.permission === "granted") {
      fresh
        .filter(function (item) {
          return item.notification_type === "reminder";
        })
        .slice(0, 3)
        .forEach(function (item) {
          new Notification("Status Tracker reminder", { body: item.message, tag: "notification-" + item.id });
        });
    }
    newestSeenId = Math.max(newestSeenId, newest);
    if (!panel.hidden) {
      list.replaceChildren.apply(list, notifications.map(notificationItem));
      emptyState.hidden = notifications.length > 0;
    }
  }

  function updateDesktopControls() {
    if (!("Notification" in window)) {
      desktopButton.hidden = true;
      desktopState.hidden = true;
      return;
    }
    desktopButton.hidden = Notification.permission !== "default";
    desktopState.hidden = Notification.permission === "default";
    desktopState.textContent =
      Notification.permission === "granted"
        ? "Desktop notifications are on for new reminders."
        : "Desktop notifications are blocked in this browser's settings.";
  }

  desktopButton.addEventListener("click", async function () {
    await Notification.requestPermission();
    updateDesktopControls();
  });

  function onNotificationsChanged() {
    refreshUnread();
    noticeNewNotifications();
  }

  // ---------------------------------------------------------------- live updates

  let eventSource = null;
  let pollTimer = null;
  // The version the page shows, as an ETag: the board was rendered at this one.
  let knownEtag = '"' + connectionState.dataset.boardVersion + '"';

  function setConnection(state, label) {
    connectionState.dataset.state = state;
    connectionState.querySelector("[data-label]").textContent = label;
    const dot = connectionState.querySelector(".dot");
    dot.className = "dot " + (state === "sse" ? "bg-emerald-500" : state === "polling" ? "bg-amber-500" : "bg-slate-400");
  }

  function refreshEverything() {
    refreshBoard();
    onNotificationsChanged();
  }

  // One cheap request: 304 while the board is still at the version the page knows.
  async function checkForChanges() {
    try {
      const response = await fetch("/board/state", {
        headers: { Accept: "application/json", "If-None-Match": knownEtag },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (response.status !== 200) return;
      const state = await response.json();
      knownEtag = response.headers.get("ETag") || knownEtag;
      setUnread(state.unread_count);
      refreshEverything();
    } catch (error) {
      // Server unreachable: the next check tries again.
    }
  }

  async function poll() {
    pollTimer = null;
    if (!document.hidden) await checkForChanges();
    if (pollTimer === null && connectionState.dataset.state === "polling") {
      pollTimer = window.setTimeout(poll, POLL_MILLISECONDS);
    }
  }

  function startPolling() {
    if (connectionState.dataset.state === "polling") return;
    setConnection("polling", "Live updates: checking for changes every few seconds.");
    poll();
  }

  function stopPolling() {
    window.clearTimeout(pollTimer);
    pollTimer = null;
  }

  function connectLive() {
    if (!("EventSource" in window)) {
      startPolling();
      return;
    }
    eventSource = new EventSource("/events/");
    eventSource.onopen = function () {
      stopPolling();
      setConnection("sse", "Live updates: on (pushed by the server).");
      // Anything that changed before the stream opened (since the page was rendered, or while it
      // was down) arrives as no event: compare versions once.
      checkForChanges();
    };
    eventSource.onmessage = function (message) {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      const type = String(event.type || "");
      if (type.startsWith("task.")) {
        refreshBoard();
      } else if (type.startsWith("notification.")) {
        onNotificationsChanged();
      } else if (type === "resync") {
        refreshEverything();
      }
    };
    eventSource.onerror = function () {
      // The browser retries a dropped stream by itself; poll meanwhile. A 503 (Redis down) closes it
      // for good: poll, and try the stream again later.
      startPolling();
      if (eventSource.readyState === EventSource.CLOSED) {
        eventSource = null;
        window.setTimeout(connectLive, SSE_RETRY_MILLISECONDS);
      }
    };
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && connectionState.dataset.state === "polling" && pollTimer !== null) {
      stopPolling();
      poll();
    }
  });

  window.addEventListener("pagehide", function () {
    if (eventSource) eventSource.close();
  });

  // ---------------------------------------------------------------- start

  refreshRelativeTimes(document);
  window.setInterval(function () {
    refreshRelativeTimes(document);
  }, 30000);
  setUpSorting();
  connectLive();
  openFromHash();
})();
