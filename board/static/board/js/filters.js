// The toolbar's assignee filter and its "Assigned to me" toggle: `?assignee=` goes into the address
// (so a reload keeps it) and the columns refresh; without the script the form submits instead.
export function setUpFilters(onChange) {
  const form = document.getElementById("filter-form");
  if (!form) return;
  const select = document.getElementById("assignee-filter");
  const toggle = document.getElementById("assigned-to-me");
  document.getElementById("filter-apply").hidden = true;

  function apply(value) {
    const params = new URLSearchParams(window.location.search);
    if (value) params.set("assignee", value);
    else params.delete("assignee");
    history.replaceState(null, "", window.location.pathname + "?" + params.toString());
    select.value = value;
    if (toggle) toggle.setAttribute("aria-pressed", value === "me" ? "true" : "false");
    onChange();
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => apply(toggle.getAttribute("aria-pressed") === "true" ? "" : "me"));
  }
  select.addEventListener("change", () => apply(select.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply(select.value);
  });
}
