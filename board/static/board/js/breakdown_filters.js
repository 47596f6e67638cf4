// The toolbar's priority, due and tag filters: each goes into the address (`?priority=`, `?due=`,
// `?tag=`, so a reload keeps it) and the columns refresh, combined with search and assignee.
export function setUpBreakdownFilters(onChange) {
  const controls = document.querySelectorAll("#filter-form [data-filter]");
  function apply(control) {
    const params = new URLSearchParams(window.location.search);
    const value = control.value.trim();
    if (value) params.set(control.dataset.filter, value);
    else params.delete(control.dataset.filter);
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    onChange();
  }
  for (const control of controls) {
    control.addEventListener("change", () => apply(control));
    if (control.tagName === "INPUT") {
      control.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          apply(control);
        }
      });
    }
  }
}
