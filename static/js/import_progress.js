// Live progress of a CSV import's preview or import (the planning page): polls the
// upload's progress endpoint, updates the <progress> bar, and reloads the page once the
// background task has finished. The same bar as the auto-scheduler's run page.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var url = box.getAttribute("data-url");
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.max = Math.max(data.total, 1);
        bar.value = data.done;
        text.textContent = data.stage + ": " + data.done + " of " + data.total + " rows (" + data.percent + "%)";
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
