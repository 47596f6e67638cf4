// The board's behaviour on top of the server-rendered page (board/templates/board/board.html).
// Writes go to the REST API; the columns and the notification list come back as server HTML;
// every string from data reaches the page escaped by Django templates or through textContent.
import { setUpBreakdown } from "./breakdown.js";
import "./acknowledge.js";
import { refreshArchive, setUpArchive } from "./archive.js";
import { boardId, columnsElement, onRender, refreshColumns } from "./columns.js";
import { coalesce } from "./coalesce.js";
import { isDialogOpen, openDialog, restoreTask, setUpDialog } from "./dialog.js";
import { setUpBreakdownFilters } from "./breakdown_filters.js";
import { setUpFilters } from "./filters.js";
import { setUpAddTask } from "./forms.js";
import { startLive } from "./live.js";
import { followFocus, setUpLayout, syncTabs } from "./layout.js";
import { addMoveButtons, setUpKeyboard, setUpMoveButtons, setUpSorting } from "./moves.js";
import "./newboard.js";
import { refreshNotifications, setUnread, setUpNotifications } from "./notifications.js";
import { setUpPicker } from "./picker.js";
import { setUpSearch } from "./search.js";
import { refreshRelativeTimes } from "./times.js";

// However many live events arrive, at most one refresh of each kind per window.
const LIVE_REFRESH_WINDOW_MILLISECONDS = 300;

if (columnsElement()) {
  onRender(addMoveButtons, () => {
    setUpSorting();
    syncTabs();
    followFocus();
  });
  addMoveButtons(columnsElement());
  refreshRelativeTimes(document);
  window.setInterval(() => refreshRelativeTimes(document), 30000);
  setUpSorting();
  setUpMoveButtons();
  setUpKeyboard();
  setUpLayout();
  setUpSearch(refreshColumns);
  setUpFilters(refreshColumns);
  setUpBreakdownFilters(refreshColumns);
  setUpPicker(document.getElementById("add-assignees"));
  setUpPicker(document.getElementById("edit-assignees"));
  setUpAddTask(refreshColumns);
  setUpDialog();
  setUpArchive(restoreTask);
  setUpBreakdown();
  setUpNotifications({ openTask: openDialog, dialogOpen: isDialogOpen });
  // An acknowledgement or a grouped row marked read (acknowledge.js).
  document.addEventListener("notifications:changed", refreshNotifications);
  startLive({
    boardId: boardId(),
    tasksChanged: coalesce(() => {
      refreshColumns();
      refreshArchive(); // open, it drops a task another page restored and lists one it deleted
    }, LIVE_REFRESH_WINDOW_MILLISECONDS),
    notificationsChanged: coalesce(refreshNotifications, LIVE_REFRESH_WINDOW_MILLISECONDS),
    setUnread,
  });
  document.documentElement.classList.add("js-ready");
}
