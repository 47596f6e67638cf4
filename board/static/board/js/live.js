// Live updates: Server-Sent Events from /events/; when they are unavailable (no EventSource, or a
// 503 because Redis is down) the page polls /board/state with an ETag instead. Either way it only
// calls `tasksChanged` and `notificationsChanged`, which main.js coalesces into few refreshes.
// The stream carries the events of every board the viewer may read (tracker.live): task events of
// other boards are ignored; notification events are not, since the bell spans all the boards.
const POLL_MILLISECONDS = 2500;
const SSE_RETRY_MILLISECONDS = 30000;

export function startLive({ boardId, tasksChanged, notificationsChanged, setUnread }) {
  const connectionState = document.getElementById("connection-state");
  // The version the page shows, as an ETag: the board was rendered at this one.
  let knownEtag = '"' + connectionState.dataset.boardVersion + '"';
  let eventSource = null;
  let pollTimer = null;

  function setConnection(state, label) {
    connectionState.dataset.state = state;
    connectionState.querySelector("[data-label]").textContent = label;
    const colour = state === "sse" ? "bg-emerald-500" : state === "polling" ? "bg-amber-500" : "bg-slate-400";
    connectionState.querySelector(".dot").className = "dot " + colour;
  }

  // One cheap request: 304 while the board is still at the version the page knows.
  async function checkForChanges() {
    try {
      const response = await fetch("/board/state?board=" + encodeURIComponent(boardId), {
        headers: { Accept: "application/json", "If-None-Match": knownEtag },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (response.status !== 200) return;
      const state = await response.json();
      knownEtag = response.headers.get("ETag") || knownEtag;
      setUnread(state.unread_count);
      tasksChanged();
      notificationsChanged();
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

  function onMessage(message) {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch (error) {
      return;
    }
    const type = String(event.type || "");
    const data = event.data || {};
    const ofThisBoard = !("board" in data) || String(data.board) === String(boardId);
    // A change of the board itself (its members, a role) may change what the columns allow.
    const boardOrTask = type.startsWith("task.") || type.startsWith("board.");
    if ((boardOrTask && ofThisBoard) || type === "resync") tasksChanged();
    if (type.startsWith("notification.") || type === "resync") notificationsChanged();
  }

  function connect() {
    if (!("EventSource" in window)) {
      startPolling();
      return;
    }
    eventSource = new EventSource("/events/");
    eventSource.onopen = () => {
      stopPolling();
      setConnection("sse", "Live updates: on (pushed by the server).");
      // Anything that changed before the stream opened (since the page was rendered, or while it
      // was down) arrives as no event: compare versions once.
      checkForChanges();
    };
    eventSource.onmessage = onMessage;
    eventSource.onerror = () => {
      // The browser retries a dropped stream by itself; poll meanwhile. A 503 (Redis down) closes
      // it for good: poll, and try the stream again later.
      startPolling();
      if (eventSource.readyState === EventSource.CLOSED) {
        eventSource = null;
        window.setTimeout(connect, SSE_RETRY_MILLISECONDS);
      }
    };
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && connectionState.dataset.state === "polling" && pollTimer !== null) {
      stopPolling();
      poll();
    }
  });
  window.addEventListener("pagehide", () => {
    if (eventSource) eventSource.close();
  });
  connect();
}
