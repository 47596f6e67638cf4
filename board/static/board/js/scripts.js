// The task dialog's "Report from a script" lines: a cron line pinging the task with curl, and a
// `tracker run` line (scripts/tracker). The token is never on the page: $STATUS_TRACKER_TOKEN.

// A cron schedule close to the task's interval: every N minutes, every N hours, or daily.
export function cronSchedule(intervalMinutes) {
  const minutes = Math.max(1, Math.round(intervalMinutes));
  if (minutes < 60) return "*/" + minutes + " * * * *";
  if (minutes < 1440) return "0 */" + Math.max(1, Math.round(minutes / 60)) + " * * *";
  return "0 0 * * *";
}

export function cronLine(task, origin) {
  return (
    cronSchedule(task.interval_minutes) +
    ' curl -fsS -m 10 --retry 5 -H "Authorization: Bearer $STATUS_TRACKER_TOKEN" ' +
    origin + "/tasks/" + task.id + "/ping"
  );
}

export function runLine(task, origin) {
  return (
    "STATUS_TRACKER_URL=" + origin + " tracker run " + task.id + " -- ./your-job.sh"
  );
}

export function showScriptLines(task) {
  const cron = document.getElementById("script-cron-line");
  const run = document.getElementById("script-run-line");
  if (!cron || !run) return;
  cron.value = cronLine(task, window.location.origin);
  run.value = runLine(task, window.location.origin);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  field.select();
  if (navigator.clipboard) {
    navigator.clipboard.writeText(field.value).then(
      () => { button.textContent = "Copied"; },
      () => {},
    );
  }
});
