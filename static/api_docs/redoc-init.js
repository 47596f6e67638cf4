// Starts ReDoc as drf-spectacular's page does, without an inline script (templates/drf_spectacular/
// redoc.html): the schema URL and the settings come from the page's data.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var settings = JSON.parse(document.getElementById("redoc-settings").textContent || "{}");
  window.Redoc.init(container.dataset.schemaUrl, settings, container);
})();
